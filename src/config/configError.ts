/**
 * Raised at start when the environment holds invalid settings: one problem per line of the
 * message, each naming its variable; `problems` holds the same lines.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const lines = typeof problems === 'string' ? [problems] : [...problems];
    super(lines.join('\n'));
    this.problems = Object.freeze(lines);
  }
}
