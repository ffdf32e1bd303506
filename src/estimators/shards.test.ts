import { describe, expect, it } from 'vitest';
import { estimate } from './ensemble.ts';
import { mergeShards, parseShard, runShard } from './shards.ts';
import { dense, globalAvgPool, network, relu } from '../layers/builder.ts';
import { parseInputs } from '../spec/schema.ts';

const batch = parseInputs({ inputs: [[[0.5, -1], [1, 0.5]], [[-0.3, 0.8], [0.2, 0.1]]] });
const spec = network(dense(8, { bStd: 0.2 }), relu(), globalAvgPool(), dense(2));

describe('shards', () => {
  it('merged shards are bit-identical to the unsharded run with the same seed', async () => {
    const networks = 150; // three blocks, the last one partial
    const whole = await estimate(spec, batch, { networks, seed: 9 });
    const shards = await Promise.all([1, 2].map((i) => runShard(spec, batch, { networks, seed: 9, shard: parseShard(`${i}/2`) })));
    // Through JSON, as the files travel between machines.
    const merged = mergeShards(shards.map((s) => JSON.parse(JSON.stringify(s))));
    expect(Array.from(merged.nngp!.mean)).toEqual(Array.from(whole.nngp!));
    expect(Array.from(merged.ntk!.mean)).toEqual(Array.from(whole.ntk!));
    expect(Array.from(merged.ntk!.standardError())).toEqual(Array.from(whole.ntkSE!));
    expect(merged.nngp!.count).toBe(networks);
  });

  it('refuses a missing shard, a duplicate and shards of another run', async () => {
    const a = await runShard(spec, batch, { networks: 130, seed: 3, shard: parseShard('1/2') });
    const b = await runShard(spec, batch, { networks: 130, seed: 4, shard: parseShard('2/2') });
    expect(() => mergeShards([a], ['a.json'])).toThrow('merge: shard 2/2 of the 130-network run is missing (given: 1/2)');
    expect(() => mergeShards([a, a], ['a.json', 'copy.json'])).toThrow('merge: shard 1/2 is given twice (a.json and copy.json)');
    expect(() => mergeShards([a, b], ['a.json', 'b.json'])).toThrow('merge: b.json and a.json come from different runs (seed 3 vs 4)');
    expect(() => mergeShards([a, { ...a, format: 'x' } as never], ['a.json', 'x.json'])).toThrow(/merge: x\.json is not a shard file/);
    const c = await runShard(spec, batch, { networks: 130, seed: 3, shard: parseShard('2/4') });
    expect(() => mergeShards([a, c], ['a.json', 'c.json'])).toThrow('merge: c.json is shard 2/4 and a.json is shard 1/2: the files split the run into different numbers of shards');
  });

  it('parses i/n and rejects nonsense', () => {
    expect(parseShard('2/4')).toEqual({ index: 1, count: 4 });
    expect(() => parseShard('0/4')).toThrow(/1 ≤ i ≤ n \(shards are numbered from 1/);
    expect(() => parseShard('5/4')).toThrow(/1 ≤ i ≤ n/);
    expect(() => parseShard('x')).toThrow(/i\/n/);
  });
});

describe('worker threads', () => {
  it('--workers 2 gives the bit-identical result of one thread', async () => {
    const { estimateParallel } = await import('./parallel.ts');
    const networks = 140;
    const one = await estimate(spec, batch, { networks, seed: 12, backend: 'wasm' });
    const two = await estimateParallel(spec, batch, { networks, seed: 12, backend: 'wasm', workers: 2 });
    expect(Array.from(two.nngp!.mean)).toEqual(Array.from(one.nngp!));
    expect(Array.from(two.ntk!.mean)).toEqual(Array.from(one.ntk!));
    expect(two.backends).toEqual(['wasm']);
  });
});
