/**
 * Lines from a server child's stdout, one per request (bench/task.ts for ours, torch_peer.py serve
 * for the peer): `next()` resolves with the next line and rejects once the stream has ended.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export function lineReader(stream: Readable, ended: () => Error): () => Promise<string> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  return async () => {
    const r = await lines.next();
    if (r.done) throw ended();
    return r.value;
  };
}
