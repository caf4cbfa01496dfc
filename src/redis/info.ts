/**
 * The `field:value` lines of an INFO reply, by field (section headers, blank lines and anything
 * without a colon skipped). Every reader of INFO goes through it: the replication monitor (roles,
 * offsets, replication id) and the master's probe (memory and client gauges).
 */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}
