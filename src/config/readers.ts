import { ConfigError } from './configError.js';
import type { EnvReader } from './envReader.js';
import { redactUrl } from './redact.js';

/*
 * The kinds of setting. Each reads its variable through the EnvReader (which registers the name
 * and records a problem instead of throwing) and returns the fallback when it is unset or bad.
 */

/** A whole decimal number in [min, max]. */
export function integer(
  r: EnvReader,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return r.parse(name, fallback, (raw) => {
    if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
    return inRange(name, Number(raw), min, max);
  });
}

/** A number in [0, 1), such as 0.98. */
export function fraction(r: EnvReader, name: string, fallback: number): number {
  return r.parse(name, fallback, (raw) => {
    if (!/^(0|0?\.\d+)$/.test(raw)) {
      throw new ConfigError(
        `${name} must be a number from 0 to below 1 (such as 0.98), got "${raw}"`,
      );
    }
    return Number(raw);
  });
}

/** A non-negative decimal number in [min, max], such as 0.25 or 3. */
export function decimal(
  r: EnvReader,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return r.parse(name, fallback, (raw) => {
    if (!/^(\d+(\.\d+)?|\.\d+)$/.test(raw)) {
      throw new ConfigError(`${name} must be a decimal number (such as 0.25), got "${raw}"`);
    }
    return inRange(name, Number(raw), min, max);
  });
}

function inRange(name: string, value: number, min: number, max: number): number {
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** `host:port`, IPv6 hosts in brackets. */
export function address(r: EnvReader, name: string, fallback: string): string {
  return r.parse(name, fallback, (value) => {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(value)) {
      throw new ConfigError(`${name} must be host:port, got "${value}"`);
    }
    return value;
  });
}

/** `true` or `false`, lowercase. */
export function boolean(r: EnvReader, name: string, fallback: boolean): boolean {
  return r.parse(name, fallback, (raw) => {
    if (raw !== 'true' && raw !== 'false') {
      throw new ConfigError(`${name} must be true or false, got "${raw}"`);
    }
    return raw === 'true';
  });
}

/** One of `values`. */
export function choice<T extends string>(
  r: EnvReader,
  name: string,
  fallback: T,
  values: readonly T[],
): T {
  return r.parse(name, fallback, (raw) => {
    const value = values.find((v) => v === raw);
    if (value !== undefined) return value;
    const allowed = values.length === 2 ? values.join(' or ') : `one of ${values.join(', ')}`;
    throw new ConfigError(`${name} must be ${allowed}, got "${raw}"`);
  });
}

/** A redis:// or rediss:// URL (null when unset); never echoes its credentials. */
export function redisUrl(r: EnvReader, name: string): string | null {
  return r.parse<string | null>(name, null, (value) => checkedRedisUrl(name, value));
}

/** A comma-separated list of redis:// or rediss:// URLs. */
export function redisUrlList(r: EnvReader, name: string): string[] {
  return r.parse(name, [], (raw) =>
    raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => checkedRedisUrl(name, item)),
  );
}

function checkedRedisUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be a redis:// or rediss:// URL, got "${redactUrl(value)}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`${name} must be a redis:// or rediss:// URL, got "${url.protocol}"`);
  }
  return value;
}

/** A comma-separated `host:port` list (ports 1 to 65535). */
export function hostPorts(r: EnvReader, name: string): { host: string; port: number }[] {
  return r.parse(name, [], (raw) =>
    raw.split(',').map((item) => {
      const match = /^\s*(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})\s*$/.exec(item);
      const port = Number(match?.[2]);
      if (match === null || port < 1 || port > 65535) {
        throw new ConfigError(`${name} must be a comma-separated host:port list, got "${item}"`);
      }
      return { host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port };
    }),
  );
}
