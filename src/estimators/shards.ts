/**
 * Sharded ensembles: a shard runs a subset of the blocks of a run (block b goes to shard b mod n),
 * writes their accumulators to a file, and `mergeShards` folds the blocks of all files in index
 * order: exactly the arithmetic of the unsharded run, so the merged result is bit-identical to it.
 */
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import { MomentAccumulator, type AccumulatorJSON } from './accumulator.ts';
import { BLOCK, DEFAULT_PILOT, estimate, fitControlVariatesOnPilot, type EstimateOptions } from './ensemble.ts';

export const SHARD_FORMAT = 'infinite-attention/shard@1';

export interface ShardSpec {
  /** 0-based shard index (shard `index + 1` of `count` to a user: shardName). */
  readonly index: number;
  readonly count: number;
}

export interface ShardFile {
  readonly format: typeof SHARD_FORMAT;
  readonly seed: number;
  readonly networks: number;
  readonly shard: ShardSpec;
  readonly M: number;
  readonly T: number;
  readonly backend: string;
  /** JSON of the spec and inputs, so a merge refuses shards of different runs. */
  readonly run: string;
  readonly blocks: { readonly index: number; readonly nngp: AccumulatorJSON | null; readonly ntk: AccumulatorJSON | null }[];
}

/** Shards that cannot be parsed, run or merged: the message names the shard or the file (a usage error). */
export class ShardError extends Error {
  override name = 'ShardError';
}

/**
 * Shards are numbered 1..n in everything a user reads (the --shard option, errors, merge messages),
 * as vitest's --shard; `ShardSpec.index` and the files hold the 0-based index.
 */
export const shardName = (s: ShardSpec): string => `${s.index + 1}/${s.count}`;

/** Parses `i/n` with 1 ≤ i ≤ n into a ShardSpec. */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) throw new ShardError(`--shard must be i/n with 1 ≤ i ≤ n (shards are numbered from 1, e.g. 2/4), got ${JSON.stringify(text)}`);
  return { index: i - 1, count: n };
}

export function shardBlocks(networks: number, shard: ShardSpec): { index: number; first: number; count: number }[] {
  const out = [];
  for (let b = shard.index; b * BLOCK < networks; b += shard.count) out.push({ index: b, first: b * BLOCK, count: Math.min(BLOCK, networks - b * BLOCK) });
  return out;
}

export async function runShard(
  spec: NetworkSpec,
  batch: InputBatch,
  opts: Omit<EstimateOptions, 'firstNetwork' | 'keepBlocks'> & { readonly shard: ShardSpec },
): Promise<ShardFile> {
  const blocks: ShardFile['blocks'] = [];
  // Control variates: one pilot for all of this shard's blocks (the same fit every shard makes).
  const cv = opts.controlVariates;
  if (cv && !(typeof cv === 'object' && cv.fits))
    opts = { ...opts, controlVariates: { fits: await fitControlVariatesOnPilot(spec, batch, opts, typeof cv === 'object' ? cv.pilot : undefined) } };
  let M = batch.M;
  let T = batch.T;
  let backend = '';
  for (const b of shardBlocks(opts.networks, opts.shard)) {
    const r = await estimate(spec, batch, { ...opts, firstNetwork: b.first, networks: b.count, keepBlocks: true });
    ({ M, T, backend } = r);
    for (const k of r.blocks ?? []) blocks.push({ index: k.index, nngp: k.nngp?.toJSON() ?? null, ntk: k.ntk?.toJSON() ?? null });
  }
  return { format: SHARD_FORMAT, seed: opts.seed, networks: opts.networks, shard: opts.shard, M, T, backend, run: runKey(spec, batch, opts), blocks };
}

/** What must agree for shards to merge: the spec, the inputs and the sampler's choices that change its draws. */
export function runKey(spec: NetworkSpec, batch: InputBatch, opts: Pick<EstimateOptions, 'preactivations' | 'averageReadout' | 'controlVariates'> = {}): string {
  const cv = opts.controlVariates;
  const pilot = !cv ? null : typeof cv === 'object' ? (cv.fits ? ((cv.fits.nngp ?? cv.fits.ntk)?.pilot ?? null) : (cv.pilot ?? DEFAULT_PILOT)) : DEFAULT_PILOT;
  const sampler = { preactivations: opts.preactivations !== false, averageReadout: opts.averageReadout !== false, controlVariatesPilot: pilot };
  return JSON.stringify({ spec, x: Array.from(batch.x), mask: Array.from(batch.mask), sampler });
}

export interface MergedEstimate {
  readonly M: number;
  readonly T: number;
  readonly networks: number;
  readonly seed: number;
  readonly backends: string[];
  readonly nngp: MomentAccumulator | null;
  readonly ntk: MomentAccumulator | null;
}

/**
 * Folds the blocks of every shard in index order. Refuses, naming the files and shards (numbered
 * from 1): a file that is not a shard, shards of different runs or of different splits, a shard
 * given twice, and a missing one.
 */
export function mergeShards(files: readonly ShardFile[], names: readonly string[] = files.map((_, i) => `file ${i + 1}`)): MergedEstimate {
  if (files.length === 0) throw new ShardError('merge: no shard files');
  const head = files[0];
  files.forEach((f, k) => {
    if (f?.format !== SHARD_FORMAT) throw new ShardError(`merge: ${names[k]} is not a shard file (format ${JSON.stringify(f?.format)}, expected ${JSON.stringify(SHARD_FORMAT)})`);
    const differ = [f.seed !== head.seed && `seed ${head.seed} vs ${f.seed}`, f.networks !== head.networks && `networks ${head.networks} vs ${f.networks}`, f.run !== head.run && 'spec, inputs or sampler options']
      .filter(Boolean)
      .join(', ');
    if (differ) throw new ShardError(`merge: ${names[k]} and ${names[0]} come from different runs (${differ})`);
    if (f.shard.count !== head.shard.count)
      throw new ShardError(`merge: ${names[k]} is shard ${shardName(f.shard)} and ${names[0]} is shard ${shardName(head.shard)}: the files split the run into different numbers of shards`);
  });
  const seen = new Map<number, string>();
  files.forEach((f, k) => {
    const other = seen.get(f.shard.index);
    if (other !== undefined) throw new ShardError(`merge: shard ${shardName(f.shard)} is given twice (${other} and ${names[k]})`);
    seen.set(f.shard.index, names[k]);
  });
  const count = head.shard.count;
  // A shard with no block (more shards than blocks of 64 networks) has nothing to give.
  const needed = Array.from({ length: Math.min(count, Math.ceil(head.networks / BLOCK)) }, (_, i) => i);
  const missing = needed.filter((i) => !seen.has(i));
  if (missing.length)
    throw new ShardError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => shardName({ index: i, count })).join(', ')} of the ${head.networks}-network run ${missing.length > 1 ? 'are' : 'is'} missing (given: ${[...seen.keys()].sort((a, b) => a - b).map((i) => shardName({ index: i, count })).join(', ')})`);
  const blocks = files.flatMap((f) => f.blocks).sort((a, b) => a.index - b.index);
  const expected = Math.ceil(head.networks / BLOCK);
  // Each file holds the blocks of its shard; a file cut short or edited shows here.
  blocks.forEach((b, i) => {
    if (b.index !== i)
      throw new ShardError(`merge: networks ${i * BLOCK + 1}–${Math.min((i + 1) * BLOCK, head.networks)} (shard ${shardName({ index: i % count, count })}) are ${b.index < i ? 'duplicated' : 'missing'} in the files`);
  });
  if (blocks.length !== expected) throw new ShardError(`merge: the files hold ${blocks.length} blocks of 64 networks, the run has ${expected}`);
  const fold = (pick: (b: (typeof blocks)[number]) => AccumulatorJSON | null): MomentAccumulator | null => {
    const first = pick(blocks[0]);
    if (!first) return null;
    const acc = new MomentAccumulator(first.dim, first.cov !== null);
    for (const b of blocks) acc.merge(MomentAccumulator.fromJSON(pick(b) as AccumulatorJSON));
    return acc;
  };
  return {
    M: head.M,
    T: head.T,
    networks: head.networks,
    seed: head.seed,
    backends: [...new Set(files.map((f) => f.backend))],
    nngp: fold((b) => b.nngp),
    ntk: fold((b) => b.ntk),
  };
}
