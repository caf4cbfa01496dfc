/**
 * Address checks of the options: the benchmark only talks to servers on this machine.
 */

/** host:port of a loopback address, or an error naming the option. */
export function loopbackAddress(option: string, value: string): string {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value);
  if (match === null) throw new Error(`${option} must be host:port, got "${value}"`);
  assertLoopback(option, (match[1] ?? '').replace(/^\[|\]$/g, ''));
  return value;
}

/** A redis:// URL on a loopback address, or an error naming the option. */
export function loopbackRedisUrl(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${option} must be a redis:// URL, got "${value}"`);
  }
  if (url.protocol !== 'redis:') throw new Error(`${option} must be a redis:// URL`);
  assertLoopback(option, url.hostname.replace(/^\[|\]$/g, ''));
  return value;
}

function assertLoopback(option: string, host: string): void {
  if (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) return;
  throw new Error(`${option}: the benchmark only talks to loopback addresses, not "${host}"`);
}
