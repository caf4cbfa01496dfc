/**
 * Checks of script replies, for the typed wrappers: each reply is decoded once, where the script
 * is called, and a reply of another shape than the script's header promises is an error.
 *
 * Redis converts Lua values as follows: a number becomes an integer (fractions are cut), a string
 * stays a string, a table becomes an array (up to its first nil), false becomes null.
 */

/** A script answered with something its contract does not allow: a bug, not an outage. */
export class ScriptReplyError extends Error {
  override readonly name = 'ScriptReplyError';
  constructor(script: string, problem: string) {
    super(`Lua script ${script} replied unexpectedly: ${problem}`);
  }
}

/** What a wrapper checks a reply with; `what` names the part of the reply for the error. */
export class ReplyReader {
  constructor(private readonly script: string) {}

  fail(problem: string): never {
    throw new ScriptReplyError(this.script, problem);
  }

  array(value: unknown, what: string, length?: number): unknown[] {
    if (!Array.isArray(value)) this.fail(`${what} is not an array`);
    if (length !== undefined && value.length !== length) {
      this.fail(`${what} has ${value.length} elements, not ${length}`);
    }
    return value;
  }

  integer(value: unknown, what: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(`${what} is no integer`);
    return value;
  }

  string(value: unknown, what: string): string {
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    return this.fail(`${what} is no string`);
  }

  /** A string, or null where the script returned false. */
  stringOrNull(value: unknown, what: string): string | null {
    return value === null ? null : this.string(value, what);
  }

  /** A number the script returned as text (Lua numbers would lose their fraction). */
  numericText(value: unknown, what: string): number {
    const number = Number(this.string(value, what));
    if (Number.isNaN(number)) this.fail(`${what} is not a number`);
    return number;
  }

  /** An integer the script returned as text (beyond 2^53, kept exact). */
  bigintText(value: unknown, what: string): bigint {
    const text = this.string(value, what);
    if (!/^-?\d+$/.test(text)) this.fail(`${what} is not integer text`);
    return BigInt(text);
  }
}
