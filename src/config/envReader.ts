import { ConfigError } from './configError.js';
import { nearestName } from './nearestName.js';
import { isServiceLink } from './serviceLinks.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The prefix of every server setting. */
const PREFIX = 'MNEMO_';

/**
 * MNEMO_ variables that are not server settings, read by the build and the tests
 * (docs/configuration.md, "Build and test variables"): the server ignores them, so a developer
 * who exported one can still start it. Every other unknown MNEMO_ name is refused.
 */
export const NOT_SERVER_SETTINGS: ReadonlySet<string> = new Set([
  'MNEMO_NATIVE_MARCH', // binding.gyp, at npm ci
  'MNEMO_SIMD', // the native addon, when it loads: forces a SIMD path (it refuses a bad one)
  'MNEMO_TEST_MODULES', // vitest.config.ts: npm run test:redisearch
  'MNEMO_BENCH_REDISEARCH_MODULE', // test/bench/redisearch.module.test.ts
  'MNEMO_FUZZ_SECONDS', // test/api/fuzz.test.ts, as the three below
  'MNEMO_FUZZ_ITERATIONS',
  'MNEMO_FUZZ_SEED',
  'MNEMO_FUZZ_WORKERS',
  'MNEMO_TARGET', // clients: the mnemo CLI and the Python example agent (host:port to call)
  'MNEMO_TOKEN', // the mnemo CLI: the bearer token it sends
]);

/**
 * The environment as the configuration parser sees it. Every name read is registered, so the
 * parser itself is the list of known settings; every problem is collected rather than thrown,
 * so that `finish` reports them all at once.
 */
export class EnvReader {
  private readonly known = new Set<string>();
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The value of setting `name` as set, untrimmed (undefined: unset); registers `name`. */
  raw(name: string): string | undefined {
    this.known.add(name);
    return this.env[name];
  }

  /** The trimmed value of setting `name`, undefined when unset or blank; registers `name`. */
  read(name: string): string | undefined {
    const trimmed = this.raw(name)?.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  /**
   * Setting `name` parsed by `parse`, `fallback` when unset; when `parse` throws a ConfigError,
   * its problems are recorded and `fallback` is returned.
   */
  parse<T>(name: string, fallback: T, parse: (value: string) => T): T {
    const value = this.read(name);
    return value === undefined ? fallback : this.check(() => parse(value), fallback);
  }

  /** What `check` returns, or `fallback` after recording the problems of its ConfigError. */
  check<T>(check: () => T, fallback: T): T {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.problems.push(...error.problems);
      return fallback;
    }
  }

  /** The settings read so far, sorted. */
  names(): string[] {
    return [...this.known].sort();
  }

  /**
   * Throws one ConfigError listing every problem recorded, then every MNEMO_ variable of the
   * environment that is neither a setting read so far, nor in NOT_SERVER_SETTINGS, nor a
   * Kubernetes service link (with the nearest setting's name when one is close). Call it once every setting has been read.
   */
  finish(): void {
    const unknown = Object.keys(this.env)
      .filter((name) => name.startsWith(PREFIX))
      .filter((name) => !this.known.has(name) && !NOT_SERVER_SETTINGS.has(name))
      .filter((name) => !isServiceLink(name, this.env))
      .sort()
      .map((name) => {
        const nearest = nearestName(name, this.names(), PREFIX);
        const hint =
          nearest === null ? ' (docs/configuration.md lists them)' : `; did you mean ${nearest}?`;
        return `${name} is not a mnemo setting${hint}`;
      });
    const problems = [...this.problems, ...unknown];
    if (problems.length > 0) throw new ConfigError(problems);
  }
}
