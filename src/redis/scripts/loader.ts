import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { projectRoot } from '../../config/projectRoot.js';

/** A value passed to a script in ARGV. */
export type ScriptArg = string | number | Buffer;

/** A line `--#include lib/<name>.lua`: replaced by that file's text when the script is read. */
const INCLUDE = /^--#include (\S+\.lua)[ \t]*$/m;

/** Where the scripts are read from at run time (the Docker image keeps this folder). */
function luaDir(): string {
  return join(projectRoot(), 'src', 'redis', 'lua');
}

/**
 * The source of `src/redis/lua/<name>.lua` as sent to Redis: each `--#include <path>` line is
 * replaced by the text of that file (path relative to `src/redis/lua/`; included files include
 * nothing themselves).
 */
export function scriptSource(name: string): string {
  const dir = luaDir();
  const includes = new RegExp(INCLUDE.source, 'gm');
  return readFileSync(join(dir, `${name}.lua`), 'utf8').replace(includes, (_, path: string) => {
    const lib = readFileSync(join(dir, path), 'utf8');
    if (INCLUDE.test(lib)) throw new Error(`Lua library ${path} must not include another file`);
    return lib.trimEnd();
  });
}

/**
 * One Lua script of `src/redis/lua/`. Its source is read once, on first use. It is registered
 * once per client as the command `mnemo_<name>` (never shadowing a Redis command): ioredis sends
 * EVALSHA and falls back to EVAL, which loads the script, when Redis answers NOSCRIPT (after a
 * restart, a failover or SCRIPT FLUSH).
 *
 * The typed wrapper of each script (a sibling module) is its only user: it packs KEYS and ARGV
 * in the order of the script's header and decodes the reply.
 */
export class LuaScript {
  private source: string | undefined;
  private readonly registered = new WeakSet<Redis>();
  private readonly command: string;

  constructor(readonly name: string) {
    this.command = `mnemo_${name}`;
  }

  /** Runs the script on `redis` (registering it there first) and returns Redis's raw reply. */
  async run(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    if (!this.registered.has(redis)) {
      this.source ??= scriptSource(this.name);
      redis.defineCommand(this.command, { lua: this.source });
      this.registered.add(redis);
    }
    const command = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
      this.command
    ];
    if (command === undefined) throw new Error(`Lua script ${this.name} is not defined`);
    return command.call(redis, keys.length, ...keys, ...args);
  }
}
