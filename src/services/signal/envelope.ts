import type { SignalMessage, SignalSide, TradingSignal } from '../../model/Signal.js';

/**
 * The body of a signal message as Redis carries it (pub/sub message after `{id}\n`, stream field
 * `m`): compact JSON, the payload in base64. `c` channel, `t` publish time (unix ms), `p`
 * payload, `s` [market, side, confidence, source, ts].
 */
interface Body {
  c: string;
  t: number;
  p?: string;
  s?: [string, SignalSide, number, string, number];
}

export function encodeBody(
  channel: string,
  ts: number,
  payload: Buffer | null,
  signal: TradingSignal | null,
): string {
  const body: Body = { c: channel, t: ts };
  if (payload !== null) body.p = payload.toString('base64');
  if (signal !== null) {
    body.s = [signal.market, signal.side, signal.confidence, signal.source, signal.ts];
  }
  return JSON.stringify(body);
}

/** A body with its id; throws on anything that is not one. */
export function decodeBody(id: string, text: string): SignalMessage {
  const body = JSON.parse(text) as Body;
  if (typeof body.c !== 'string' || typeof body.t !== 'number') {
    throw new Error('not a signal message body');
  }
  const s = body.s;
  return {
    channel: body.c,
    id,
    ts: body.t,
    payload: typeof body.p === 'string' ? Buffer.from(body.p, 'base64') : null,
    signal:
      s === undefined
        ? null
        : { market: s[0], side: s[1], confidence: s[2], source: s[3], ts: s[4] },
  };
}

/** A pub/sub message `{id}\n{body}`. */
export function decodePubSub(message: Buffer): SignalMessage {
  const newline = message.indexOf(10);
  if (newline < 0) throw new Error('not a signal message');
  return decodeBody(
    message.subarray(0, newline).toString('latin1'),
    message.subarray(newline + 1).toString('utf8'),
  );
}
