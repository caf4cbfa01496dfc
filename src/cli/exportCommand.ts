import type { MnemoClient } from '../client/index.js';
import { formatMemory } from '../client/jsonLines.js';
import { Progress } from './progress.js';

/** Writes `text`, waiting while the output is full (constant memory at any size). */
async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await new Promise((resolve) => out.once('drain', resolve));
}

/**
 * Writes every episodic memory, vectors included, as proto3-JSON lines, newest first (ties by
 * id): pages of RecentEpisodic, each read back whole with GetEpisodic. A memory written while the
 * export runs may or may not be in it.
 */
export async function exportEpisodic(
  client: MnemoClient,
  out: NodeJS.WritableStream,
  progressOut: NodeJS.WritableStream & { isTTY?: boolean },
): Promise<number> {
  const info = await client.memory.getInfo({});
  const total = info.episodic?.memories ?? 0;
  const pageSize = Math.max(1, Math.min(info.max_k, info.max_batch));
  const progress = new Progress(progressOut, 'episodic memories exported:');
  let exported = 0;
  let token = '';
  do {
    const page = await client.memory.recentEpisodic({
      order: 'RECENT_ORDER_TIMESTAMP_DESC',
      page_size: pageSize,
      page_token: token,
    });
    const ids = page.memories.map((memory) => memory.id);
    if (ids.length > 0) {
      const { memories } = await client.memory.getEpisodic({ ids, include_vectors: true });
      const byId = new Map(memories.map((memory) => [memory.id, memory]));
      let lines = '';
      for (const id of ids) {
        const memory = byId.get(id);
        if (memory === undefined) continue; // deleted between the two calls
        lines += `${formatMemory('episodic', memory)}\n`;
        exported++;
      }
      await write(out, lines);
    }
    progress.update(exported, exported, total);
    token = page.next_page_token;
  } while (token !== '');
  progress.finish(exported);
  return exported;
}

/**
 * Writes every semantic memory, vector included, as proto3-JSON lines, best Sharpe ratio first
 * (ties by id): pages of ListSemantic with include_vectors.
 */
export async function exportSemantic(
  client: MnemoClient,
  out: NodeJS.WritableStream,
  progressOut: NodeJS.WritableStream & { isTTY?: boolean },
): Promise<number> {
  const info = await client.memory.getInfo({});
  const total = info.semantic?.memories ?? 0;
  const progress = new Progress(progressOut, 'semantic memories exported:');
  let exported = 0;
  let token = '';
  do {
    const page = await client.memory.listSemantic({
      page_size: Math.max(1, info.max_k),
      page_token: token,
      include_vectors: true,
    });
    let lines = '';
    for (const memory of page.memories) lines += `${formatMemory('semantic', memory)}\n`;
    exported += page.memories.length;
    await write(out, lines);
    progress.update(exported, exported, total);
    token = page.next_page_token;
  } while (token !== '');
  progress.finish(exported);
  return exported;
}
