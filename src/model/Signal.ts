import { invalidArgument, quote } from './errors.js';

/** The direction of a typed signal. */
export type SignalSide = 'LONG' | 'SHORT' | 'CLOSE';

export const SIGNAL_SIDES: readonly SignalSide[] = ['LONG', 'SHORT', 'CLOSE'];

/** A typed trading signal. */
export interface TradingSignal {
  market: string;
  side: SignalSide;
  /** In [0, 1]. */
  confidence: number;
  source: string;
  /** When the source produced it, unix seconds; 0 = unknown. */
  ts: number;
}

/** What a message carries: raw bytes or a typed signal. */
export type SignalContent = { payload: Buffer } | { signal: TradingSignal };

/** One message as delivered to subscribers. */
export interface SignalMessage {
  channel: string;
  /** The durable id (`ms-seq`), '' when not durable. */
  id: string;
  /** When it was published, unix milliseconds (the publishing instance's clock). */
  ts: number;
  payload: Buffer | null;
  signal: TradingSignal | null;
}

/** Most bytes of a channel name. */
export const MAX_CHANNEL_BYTES = 160;
/** A channel's segment after `signals:` or `alerts:`: no glob characters, spaces or `:`. */
const SEGMENT = /^[A-Za-z0-9._\-/@+=]{1,128}$/;

/**
 * Checks a channel name: `signals:{market}`, `alerts:{agent_id}` or `broadcast`, the segment
 * 1–128 characters of `A-Z a-z 0-9 . _ - / @ + =` (no glob characters: patterns are separate).
 * INVALID_ARGUMENT naming `field` otherwise.
 */
export function checkChannel(field: string, channel: string): string {
  if (channel.length === 0) throw invalidArgument(field, 'is required');
  if (channel === 'broadcast') return channel;
  const colon = channel.indexOf(':');
  const kind = colon < 0 ? channel : channel.slice(0, colon);
  if ((kind === 'signals' || kind === 'alerts') && colon >= 0) {
    if (SEGMENT.test(channel.slice(colon + 1))) return channel;
    throw invalidArgument(
      field,
      `${quote(channel)}: the part after "${kind}:" must be 1-128 characters of ` +
        'A-Z a-z 0-9 . _ - / @ + = (no spaces, ":" or glob characters)',
    );
  }
  throw invalidArgument(
    field,
    `${quote(channel)} is not a channel: use signals:{market}, alerts:{agent_id} or broadcast`,
  );
}

/**
 * Checks a channel pattern: a prefix of a valid channel followed by one `*` (`signals:*`,
 * `signals:BTC*`, `alerts:*`, `*`); returns the prefix.
 */
export function checkPattern(field: string, pattern: string): string {
  if (!pattern.endsWith('*') || pattern.indexOf('*') !== pattern.length - 1) {
    throw invalidArgument(
      field,
      `${quote(pattern)} is not a pattern: a channel prefix followed by one "*", e.g. "signals:*"`,
    );
  }
  const prefix = pattern.slice(0, -1);
  const valid =
    'broadcast'.startsWith(prefix) ||
    'signals:'.startsWith(prefix) ||
    'alerts:'.startsWith(prefix) ||
    /^(signals|alerts):[A-Za-z0-9._\-/@+=]{1,127}$/.test(prefix);
  if (!valid) {
    throw invalidArgument(
      field,
      `${quote(pattern)}: the prefix before "*" must start a signals:, alerts: or broadcast channel`,
    );
  }
  return prefix;
}

/** The agent an `alerts:{agent_id}` channel belongs to, or null for any other channel. */
export function alertAgent(channel: string): string | null {
  return channel.startsWith('alerts:') ? channel.slice('alerts:'.length) : null;
}
