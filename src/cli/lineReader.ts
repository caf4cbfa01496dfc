import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

/** One line of a file: its number (from 1) and text. */
export interface Line {
  number: number;
  text: string;
}

/**
 * The lines of a file, `.gz` decompressed, in constant memory; `onRead` hears how many bytes of
 * the file are read. Blank lines are counted but not yielded.
 */
export async function* readLines(
  path: string,
  onRead: (fileBytes: number) => void = () => {},
): AsyncGenerator<Line> {
  const gz = path.endsWith('.gz');
  const file = createReadStream(path);
  let read = 0;
  const count = (bytes: number): void => {
    read += bytes;
    onRead(read);
  };
  // Compressed: the file's bytes are counted as the gunzip takes them; plain: as they are read.
  if (gz)
    file.on('data', (chunk) => {
      count(chunk.length);
    });
  const input = gz ? file.pipe(createGunzip()) : file;
  let number = 0;
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of input as AsyncIterable<Buffer>) {
    if (!gz) count(chunk.length);
    const data: Buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      number++;
      const text = data.toString('utf8', start, nl).replace(/\r$/, '');
      start = nl + 1;
      if (text.trim() === '') continue;
      yield { number, text };
    }
    rest = data.subarray(start);
  }
  if (rest.length > 0) {
    number++;
    const text = rest.toString('utf8');
    if (text.trim() !== '') yield { number, text };
  }
}
