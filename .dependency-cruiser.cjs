/**
 * The floors of the code (docs/architecture.md): imports point down only.
 *
 *   app → api → services → { index, redis }      sync → { index, redis }
 *   cli → { api, client }      client (the TypeScript client): leaves only
 *   model, config, metrics, generated, proto: leaves
 *
 * `npm run check` runs this over src/ and bench/; a violation names the importing file, the
 * imported one and the rule.
 */

/** A floor may import itself, the floors listed, and the leaves. */
function floor(name, from, allowed) {
  const leaves = ['model', 'config', 'metrics', 'generated', 'proto'];
  const ok = [name, ...allowed, ...leaves].join('|');
  return {
    name: `floor-${name}`,
    comment: `${from} may import only ${[...allowed, 'the leaves'].join(', ')} of src/`,
    severity: 'error',
    from: { path: `^src/${name}/` },
    to: { path: '^src/', pathNot: `^src/(${ok})/` },
  };
}

/** A leaf imports nothing of ours but itself. */
function leaf(name) {
  return {
    name: `leaf-${name}`,
    comment: `src/${name}/ is a leaf: it imports nothing of src/ outside itself`,
    severity: 'error',
    from: { path: `^src/${name}/` },
    to: { path: '^src/', pathNot: `^src/${name}/` },
  };
}

module.exports = {
  forbidden: [
    floor('cli', 'src/cli/ (operator commands)', ['api', 'client']),
    floor('client', 'src/client/ (the TypeScript client of the services)', []),
    floor('api', 'src/api/ (the gRPC edge)', ['services']),
    floor('services', 'src/services/', ['index', 'redis']),
    floor('sync', 'src/sync/ (keeps indexes equal to Redis)', ['index', 'redis']),
    floor('index', 'src/index/ (a pure library: no Redis, no gRPC)', []),
    floor('redis', 'src/redis/ (every way to Redis)', []),
    leaf('model'),
    leaf('config'),
    leaf('metrics'),
    leaf('generated'),
    {
      name: 'leaf-proto',
      comment: 'src/proto/ (the contract, loaded) imports only src/config/ (where proto/ is)',
      severity: 'error',
      from: { path: '^src/proto/' },
      to: { path: '^src/', pathNot: '^src/(proto|config)/' },
    },
    {
      name: 'services-apart',
      comment: 'one service never imports another (their parts meet in src/app/)',
      severity: 'error',
      from: { path: '^src/services/([^/]+)/' },
      to: { path: '^src/services/([^/]+)/', pathNot: '^src/services/$1/' },
    },
    {
      name: 'api-services-apart',
      comment:
        "one service's handlers and codec never import another's (shared parts live in src/api/ itself)",
      severity: 'error',
      from: { path: '^src/api/(memory|cache|ratelimit|audit|session|signal)/' },
      to: {
        path: '^src/api/(memory|cache|ratelimit|audit|session|signal)/',
        pathNot: '^src/api/$1/',
      },
    },
    {
      name: 'entry-only-app',
      comment: 'src/main.ts starts the app: it imports src/app/ and src/config/ only',
      severity: 'error',
      from: { path: '^src/main\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(app|config)/' },
    },
    {
      name: 'bench-is-a-client',
      comment:
        "bench/ is a client of the server: of src/ it may use the client, the contract and its generated types only, and the server's HTTP/2 windows (the echo floor must set them as the server does)",
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^src/', pathNot: '^src/(client|proto|generated)/|^src/api/http2Windows\\.ts$' },
    },
    {
      name: 'src-not-bench-or-test',
      comment: 'production code never imports the bench or the tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(bench|test)/' },
    },
    {
      name: 'no-circular',
      comment: 'files that import each other in a loop have no floor',
      severity: 'error',
      from: { path: '^(src|bench)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
