import { createHash } from 'node:crypto';
import { invalidArgument } from '../model/errors.js';

/**
 * The one pagination rule of the contract (AIP-158): a request asks for `page_size` items and
 * passes back, as `page_token`, the `next_page_token` of the answer before; every other parameter
 * must stay as it was. A token is opaque: it holds where the next page starts and a digest of the
 * query that made it, so a token used with other parameters (another filter, order, range) is
 * refused INVALID_ARGUMENT rather than answered with a page of something else. `page_size` may
 * change between pages.
 */

const VERSION = 1;

/** A digest of a query's defining parameters, as they were decoded (key order does not matter). */
function digest(query: unknown): string {
  return createHash('sha256').update(canonical(query)).digest('base64url').slice(0, 16);
}

/** JSON with object keys sorted, so that equal queries give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The token of the page after `position` of `query`; '' when there is none (position null). */
export function encodePageToken(query: unknown, position: unknown): string {
  if (position === null) return '';
  return Buffer.from(JSON.stringify([VERSION, digest(query), position])).toString('base64url');
}

/**
 * Where the page `token` points to starts, for `query`; null for '' (the first page). Refuses a
 * token that is not one of ours, or that another query made (`field`: the request's token field).
 */
export function decodePageToken(field: string, token: string, query: unknown): unknown {
  if (token === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidArgument(field, 'is not a page token returned by this RPC');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== VERSION) {
    throw invalidArgument(field, 'is not a page token returned by this RPC');
  }
  if (parsed[1] !== digest(query)) {
    throw invalidArgument(
      field,
      'was issued for another query: keep every other parameter as it was (page_size may change)',
    );
  }
  return parsed[2] as unknown;
}
