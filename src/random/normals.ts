/**
 * Standard normal streams keyed by name. Each network's parameter tensor gets its own stream,
 * keyed by (run seed, network index, parameter name), so a network's weights do not depend on the
 * batch size, the chunking or the shard that draws it. The key holds no shape: network i draws
 * the same leading normals for a parameter at any width.
 */
import seedrandom from 'seedrandom';
import { NormalStream } from './ziggurat.ts';

/** A uniform stream on (0, 1) from seedrandom's Alea, keyed by a string. */
export function uniformStream(key: string): () => number {
  return seedrandom.alea(key) as unknown as () => number;
}

/** A distinct non-zero 32-bit seed for a key (tfjs treats seed 0 as "no seed"). */
export function seed32(key: string): number {
  return (seedrandom.alea(key).int32() >>> 0) || 1;
}

/** Fills `out[offset .. offset+count)` with N(0,1) draws from the stream of `key` (ziggurat over sfc32). */
export function fillNormals(out: Float32Array | Float64Array, offset: number, count: number, key: string): void {
  new NormalStream(key).fill(out, offset, count);
}

/** The N(0,1) draws of the stream of `key` one at a time (the same stream `fillNormals` fills from). */
export function normalStream(key: string): () => number {
  const stream = new NormalStream(key);
  return () => stream.normal();
}

export function parameterKey(runSeed: number, network: number, name: string): string {
  return `${runSeed}/${network}/${name}`;
}
