/**
 * `computeKernel` and `estimate` handed raw JSON (what `JSON.parse` of a spec or inputs file gives,
 * defaults missing, inputs nested) rather than `parseNetworkSpec`/`parseInputs` results (issue 11,
 * §5): they validate it first and then give exactly what the parsed objects give, and anything
 * else is a SpecError that says what they take, never a TypeError from deep inside a layer.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeKernel } from './kernel.ts';
import { estimate } from '../estimators/ensemble.ts';
import { inputBatchFrom, parseInputs, SpecError } from '../spec/schema.ts';
import { networkSpecFrom, parseNetworkSpec } from '../layers/parse.ts';
import type { ResidualSpec } from '../spec/types.ts';
import { registerLayer, unregisterLayer } from '../layers/registry.ts';
import { elementwise } from '../layers/activation.ts';
import { quadratureActivation } from '../kernels/activations/index.ts';
import * as v from 'valibot';
import * as tf from '@tensorflow/tfjs';

const root = resolve(import.meta.dirname, '../..');
const json = (path: string): unknown => JSON.parse(readFileSync(resolve(root, path), 'utf8'));

const attentionJson = {
  layers: [
    { type: 'dense', width: 8 },
    { type: 'attention', heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 8, scaling: 'linear', posEmb: { type: 'concat', channels: 3, decay: { kind: 'exp', scale: 0.5 } } },
    { type: 'relu' },
    { type: 'dense', width: 1, bStd: 0.1 },
  ],
};

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('computeKernel on raw JSON', () => {
  it.each([
    ['fixtures/specs/mlp-residual.json', 'fixtures/inputs/seq3x4x6.json'],
    ['fixtures/specs/mlp-relu-layernorm.json', 'fixtures/inputs/seq3x4x6-masked.json'],
    ['fixtures/specs/mlp-gelu.json', 'fixtures/inputs/seq3x4x6.json'],
  ])('%s on %s: the same kernel, to the bit, as the parsed spec and inputs', (specPath, inputsPath) => {
    const rawSpec = json(specPath);
    const rawInputs = json(inputsPath);
    const parsed = computeKernel(parseNetworkSpec(rawSpec), parseInputs(rawInputs));
    const raw = computeKernel(rawSpec as never, rawInputs as never);
    expect(Array.from(raw.nngp)).toEqual(Array.from(parsed.nngp));
    expect(Array.from(raw.ntk)).toEqual(Array.from(parsed.ntk));
  });

  it('attention with a positional embedding, raw, matches the parsed spec', () => {
    const inputs = json('fixtures/inputs/seq3x4x6-masked.json');
    const parsed = computeKernel(parseNetworkSpec(attentionJson), parseInputs(inputs));
    const raw = computeKernel(attentionJson as never, inputs as never);
    expect(Array.from(raw.nngp)).toEqual(Array.from(parsed.nngp));
    expect(Array.from(raw.ntk)).toEqual(Array.from(parsed.ntk));
  });

  it('an invalid raw spec is a SpecError with its path, not a TypeError from a layer', () => {
    const inputs = json('fixtures/inputs/seq3x4x6.json');
    const e = errorOf(() => computeKernel({ layers: [{ type: 'dense', width: 4 }, { type: 'residual', block: [{ type: 'dense' }] }] } as never, inputs as never));
    expect(e).toBeInstanceOf(SpecError);
    expect(e.message).toContain('layers[1].block[0].width: is required');
    const bad = errorOf(() => computeKernel({ layers: [{ type: 'dense', width: 4, wStd: -1 }] } as never, inputs as never));
    expect(bad.message).toContain('layers[0].wStd: wStd must be non-negative');
  });

  it('inputs that are neither a parsed batch nor {inputs, mask} JSON name parseInputs', () => {
    const spec = parseNetworkSpec(json('fixtures/specs/mlp-relu.json'));
    for (const bad of [[[[1, 2]]], { x: [1, 2], M: 1, T: 1, d: 2 }, null]) {
      const e = errorOf(() => computeKernel(spec, bad as never));
      expect(e).toBeInstanceOf(SpecError);
      expect(e.message).toContain('parseInputs');
    }
    // Raw inputs JSON goes through parseInputs, so its problems are reported with their paths.
    const ragged = errorOf(() => computeKernel(spec, { inputs: [[[1, 2]], [[1]]] }));
    expect(ragged.message).toContain('inputs[1][0]: has 1 channels');
  });
});

describe('estimate on raw JSON', () => {
  it('gives the same estimate, to the bit, as the parsed spec and inputs', async () => {
    const rawSpec = json('fixtures/specs/mlp-erf.json');
    const rawInputs = json('fixtures/inputs/seq3x4x6-masked.json');
    const opts = { networks: 6, seed: 3, backend: 'wasm' as const };
    const parsed = await estimate(parseNetworkSpec(rawSpec), parseInputs(rawInputs), opts);
    const raw = await estimate(rawSpec as never, rawInputs as never, opts);
    expect(Array.from(raw.nngp!)).toEqual(Array.from(parsed.nngp!));
    expect(Array.from(raw.ntk!)).toEqual(Array.from(parsed.ntk!));
  });

  it('rejects raw inputs it cannot read before drawing a network', async () => {
    const spec = parseNetworkSpec(json('fixtures/specs/mlp-relu.json'));
    await expect(estimate(spec, { inputs: [] } as never, { networks: 4, seed: 1 })).rejects.toThrow(SpecError);
    await expect(estimate(spec, [[[1]]] as never, { networks: 4, seed: 1 })).rejects.toThrow(/parseInputs/);
  });
});

describe('networkSpecFrom and inputBatchFrom', () => {
  it('return a parsed spec unchanged and fill the defaults of a raw one', () => {
    for (const path of ['fixtures/specs/mlp-residual.json', 'fixtures/specs/mlp-abs-pool.json']) {
      const parsed = parseNetworkSpec(json(path));
      expect(networkSpecFrom(parsed)).toEqual(parsed);
      expect(networkSpecFrom(json(path))).toEqual(parsed);
    }
    expect(networkSpecFrom(attentionJson)).toEqual(parseNetworkSpec(attentionJson));
  });

  it('parse a type registered at run time like a built-in: as written without a schema, by its schema with one', () => {
    const custom = { type: 'softsign', anything: [1, 2] };
    const raw = { layers: [{ type: 'dense', width: 3 }, { type: 'residual', block: [custom, { type: 'dense', width: 3 }] }] };
    // Unregistered, the type is refused where the spec is parsed, with the types that exist.
    const unknown = errorOf(() => networkSpecFrom(raw));
    expect(unknown).toBeInstanceOf(SpecError);
    expect(unknown.message).toMatch(/^invalid network spec: layers\[1\]\.block\[0\]: unknown layer type "softsign"; expected one of dense, relu, .*attention/);
    const math = quadratureActivation('softsign', (x) => x / (1 + Math.abs(x)), (x) => 1 / (1 + Math.abs(x)) ** 2);
    const entry = elementwise('softsign', (x) => x.div(tf.abs(x).add(1)), math);
    // Without a schema the factory reads the spec as written.
    registerLayer({ ...entry, schema: undefined });
    try {
      const spec = networkSpecFrom(raw);
      expect(spec.layers[1]).toEqual({ type: 'residual', block: [custom, { type: 'dense', width: 3, wStd: 1, bStd: 0 }] });
      expect((spec.layers[1] as ResidualSpec).block[0]).toBe(custom);
    } finally {
      unregisterLayer('softsign');
    }
    // With one, a misspelt key is an error at its path and defaults are filled in.
    registerLayer({ ...entry, schema: v.strictObject({ type: v.literal('softsign'), gain: v.optional(v.number(), 1) }) } as never);
    try {
      expect(networkSpecFrom({ layers: [{ type: 'softsign' }] }).layers[0]).toEqual({ type: 'softsign', gain: 1 });
      expect(errorOf(() => networkSpecFrom(raw)).message).toBe('invalid network spec: layers[1].block[0].anything: unknown key (check its spelling; docs/specs.md lists each layer\'s keys)');
    } finally {
      unregisterLayer('softsign');
    }
  });

  it('return a parsed batch as it is', () => {
    const batch = parseInputs(json('fixtures/inputs/seq3x4x6-masked.json'));
    expect(inputBatchFrom(batch)).toBe(batch);
    const short = { ...batch, x: batch.x.subarray(1) };
    expect(() => inputBatchFrom(short)).toThrow(/parseInputs/);
  });
});
