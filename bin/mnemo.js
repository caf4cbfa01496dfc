#!/usr/bin/env node
// The `mnemo` command. `mnemo serve` runs the server (src/main.ts, what `npm start` runs); every
// other command is a client (src/cli/mnemo.ts). In a checkout with the dev dependencies it runs
// the sources through tsx; installed without them, the build in dist/.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let fromSource = false;
try {
  require.resolve('tsx');
  fromSource = true;
} catch {
  // no tsx: a production install, run the build
}
if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
}
const base = fromSource ? '../src/' : '../dist/src/';
const ext = fromSource ? '.ts' : '.js';
if (process.argv[2] === 'serve') {
  process.argv.splice(2, 1);
  await import(new URL(`${base}main${ext}`, import.meta.url).href);
} else {
  const { main } = await import(new URL(`${base}cli/mnemo${ext}`, import.meta.url).href);
  await main();
}
