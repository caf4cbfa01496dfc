import type { Signal, Signal__Output } from '../../generated/mnemo/v1/Signal.js';
import type { SignalServicePublishRequest__Output } from '../../generated/mnemo/v1/SignalServicePublishRequest.js';
import type { SignalServiceSubscribeRequest__Output } from '../../generated/mnemo/v1/SignalServiceSubscribeRequest.js';
import type { SignalServiceSubscribeResponse } from '../../generated/mnemo/v1/SignalServiceSubscribeResponse.js';
import { invalidArgument, quote } from '../../model/errors.js';
import {
  checkChannel,
  checkPattern,
  type SignalContent,
  type SignalMessage,
  type SignalSide,
  type TradingSignal,
} from '../../model/Signal.js';
import type { SubscribeQuery } from '../../services/signal/SignalService.js';

/** Most channels plus patterns of one Subscribe. */
export const MAX_SUBSCRIBE_TOPICS = 64;
const SIGNAL_ID = /^\d{1,16}-\d{1,16}$/;
const SIDES: Readonly<Record<string, SignalSide>> = {
  SIGNAL_SIDE_LONG: 'LONG',
  SIGNAL_SIDE_SHORT: 'SHORT',
  SIGNAL_SIDE_CLOSE: 'CLOSE',
};

function finite(field: string, value: number): number {
  if (!Number.isFinite(value)) throw invalidArgument(field, 'must be a finite number');
  return value;
}

export function decodeSignal(field: string, signal: Signal__Output): TradingSignal {
  if (signal.market.length === 0) throw invalidArgument(`${field}.market`, 'is required');
  const side = SIDES[signal.side];
  if (side === undefined) {
    throw invalidArgument(`${field}.side`, 'is required (LONG, SHORT or CLOSE)');
  }
  const confidence = finite(`${field}.confidence`, signal.confidence);
  if (confidence < 0 || confidence > 1) {
    throw invalidArgument(`${field}.confidence`, `must be in [0, 1], got ${quote(confidence)}`);
  }
  return {
    market: signal.market,
    side,
    confidence,
    source: signal.source,
    ts: finite(`${field}.ts`, signal.ts),
  };
}

export function decodePublish(request: SignalServicePublishRequest__Output): {
  channel: string;
  content: SignalContent;
  durable: boolean;
} {
  const channel = checkChannel('channel', request.channel);
  let content: SignalContent;
  if (request.content === 'signal' && request.signal != null) {
    content = { signal: decodeSignal('signal', request.signal) };
  } else if (request.content === 'payload' && request.payload !== undefined) {
    content = { payload: request.payload };
  } else {
    throw invalidArgument('payload', 'a payload or a signal is required');
  }
  return { channel, content, durable: request.durable };
}

export function decodeSubscribe(request: SignalServiceSubscribeRequest__Output): SubscribeQuery {
  const topics = request.channels.length + request.patterns.length;
  if (topics === 0) throw invalidArgument('channels', 'a channel or a pattern is required');
  if (topics > MAX_SUBSCRIBE_TOPICS) {
    throw invalidArgument(
      'channels',
      `with patterns names ${topics} topics, at most ${MAX_SUBSCRIBE_TOPICS} are allowed`,
    );
  }
  const channels = request.channels.map((c, i) => checkChannel(`channels[${i}]`, c));
  const prefixes = request.patterns.map((p, i) => checkPattern(`patterns[${i}]`, p));
  const minConfidence = finite('min_confidence', request.min_confidence);
  if (minConfidence < 0 || minConfidence > 1) {
    throw invalidArgument('min_confidence', `must be in [0, 1], got ${quote(minConfidence)}`);
  }
  let resumeFrom: string | null = null;
  if (request.resume_from === '0' || request.resume_from === '0-0') resumeFrom = '0';
  else if (request.resume_from !== '') {
    if (!SIGNAL_ID.test(request.resume_from)) {
      throw invalidArgument(
        'resume_from',
        `${quote(request.resume_from)} is not a signal id (ms-seq, as Subscribe returns)`,
      );
    }
    resumeFrom = request.resume_from;
  }
  return { channels: [...new Set(channels)], prefixes, resumeFrom, minConfidence };
}

function encodeSignal(signal: TradingSignal): Signal {
  return {
    market: signal.market,
    side: `SIGNAL_SIDE_${signal.side}`,
    confidence: signal.confidence,
    source: signal.source,
    ts: signal.ts,
  };
}

export function encodeMessage(message: SignalMessage): SignalServiceSubscribeResponse {
  return {
    channel: message.channel,
    payload: message.payload ?? Buffer.alloc(0),
    id: message.id,
    ts: message.ts,
    signal: message.signal === null ? null : encodeSignal(message.signal),
  };
}
