import type { Session } from '../../model/Session.js';
import type { ReplyReader } from './reply.js';
import { requireSessionView } from './sessionView.js';

/** A session script's outcome: a word, and the session's view unless the word is 'missing'. */
export type SessionOutcome<Word extends string> =
  { outcome: 'missing' } | { outcome: Word; session: Session };

/** Decodes `{ 'missing' }` or `{ word, view, ... }` where word is one of `words`. */
export function decodeOutcome<Word extends string>(
  value: unknown,
  reply: ReplyReader,
  words: readonly Word[],
): { result: SessionOutcome<Word>; rest: unknown[] } {
  const values = reply.array(value, 'the reply');
  const word = reply.string(values[0], 'the outcome');
  if (word === 'missing') return { result: { outcome: 'missing' }, rest: [] };
  if (!words.includes(word as Word)) reply.fail(`outcome ${word} is unknown`);
  return {
    result: { outcome: word as Word, session: requireSessionView(values[1], reply) },
    rest: values.slice(2),
  };
}
