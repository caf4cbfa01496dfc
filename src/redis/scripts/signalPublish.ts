import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('signalPublish');
const reply = new ReplyReader(script.name);

export interface SignalPublishInput {
  /** The key holding the last durable id given (`ms-seq`). */
  sequence: string;
  /** The channel's stream of durable messages. */
  stream: string;
  /** The set of channels that have a stream. */
  channels: string;
  /** Hash: channel → id of the newest message trimmed from its stream. */
  horizon: string;
  /** The Redis pub/sub channel. */
  pubsubChannel: string;
  /** The channel's name, as clients give it. */
  channel: string;
  durable: boolean;
  /** The encoded message without its id. */
  body: string;
  /** The stream keeps at least this many messages... */
  maxLen: number;
  /** ...and is trimmed back to maxLen once it holds this many more. */
  trimSlack: number;
}

export interface SignalPublishResult {
  /** Redis's PUBLISH count. */
  receivers: number;
  /** The durable id, '' when not durable. */
  id: string;
}

/** Publishes one message, appending it to its channel's stream first when durable. */
export async function signalPublish(
  redis: Redis,
  input: SignalPublishInput,
): Promise<SignalPublishResult> {
  const raw = await script.run(
    redis,
    [input.sequence, input.stream, input.channels, input.horizon],
    [
      input.pubsubChannel,
      input.durable ? '1' : '0',
      input.body,
      input.channel,
      input.maxLen,
      input.trimSlack,
    ],
  );
  const [receivers, id] = reply.array(raw, 'the reply', 2);
  return { receivers: reply.integer(receivers, 'receivers'), id: reply.string(id, 'the id') };
}
