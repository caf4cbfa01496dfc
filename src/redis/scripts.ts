import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { projectRoot } from '../config/projectRoot.js';

/** The Lua scripts under src/redis/lua, by file name without `.lua`. */
export type ScriptName =
  | 'touchMemories'
  | 'deleteMemories'
  | 'cacheSetHash'
  | 'cacheIncrementBy'
  | 'rateLimitAcquire'
  | 'auditAppend'
  | 'auditTrim'
  | 'auditPnl';

const SCRIPT_NAMES: readonly ScriptName[] = [
  'touchMemories',
  'deleteMemories',
  'cacheSetHash',
  'cacheIncrementBy',
  'rateLimitAcquire',
  'auditAppend',
  'auditTrim',
  'auditPnl',
];

const sources = new Map<ScriptName, string>();

function source(name: ScriptName): string {
  let lua = sources.get(name);
  if (lua === undefined) {
    lua = readFileSync(join(projectRoot(), 'src', 'redis', 'lua', `${name}.lua`), 'utf8');
    sources.set(name, lua);
  }
  return lua;
}

/**
 * Registers every script on a client as a command: ioredis calls it by SHA (EVALSHA) and falls
 * back to EVAL, which loads it, when Redis answers NOSCRIPT.
 */
export function defineScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const name of SCRIPT_NAMES) redis.defineCommand(commandName(name), { lua: source(name) });
  defined.add(redis);
}

const defined = new WeakSet<Redis>();

/** Scripts become commands named `mnemo_<script>`, never shadowing a Redis command. */
function commandName(name: ScriptName): string {
  return `mnemo_${name}`;
}

/** Runs a script defined by defineScripts with a variable number of keys. */
export async function runScript(
  redis: Redis,
  name: ScriptName,
  keys: readonly string[],
  args: readonly (string | number | Buffer)[],
): Promise<unknown> {
  defineScripts(redis);
  const command = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
    commandName(name)
  ];
  if (command === undefined) throw new Error(`Lua script ${name} is not defined on this client`);
  return command.call(redis, keys.length, ...keys, ...args);
}
