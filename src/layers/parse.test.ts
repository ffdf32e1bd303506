import { describe, expect, it } from 'vitest';
import { parseInputs, SpecError } from '../spec/schema.ts';
import { parseNetworkSpec } from './parse.ts';
import { attention, dense, network, relu, residual } from './builder.ts';

const issuesOf = (f: () => unknown): readonly string[] => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues;
  }
  throw new Error('expected a SpecError');
};

describe('network spec validation', () => {
  it('fills defaults', () => {
    expect(parseNetworkSpec({ layers: [{ type: 'dense', width: 3 }] })).toEqual({ layers: [{ type: 'dense', width: 3, wStd: 1, bStd: 0 }] });
  });

  it.each([
    [{ layers: [{ type: 'dense', width: 3 }, { type: 'dense', width: -2 }] }, 'layers[1].width: width must be at least 1'],
    [{ layers: [{ type: 'dense', width: 2.5 }] }, 'layers[0].width: width must be a whole number'],
    [{ layers: [{ type: 'dense' }] }, 'layers[0].width: is required'],
    [{ layers: [{ type: 'dense', width: 4, wStd: Infinity }] }, 'layers[0].wStd: wStd must be finite'],
    [{ layers: [{ type: 'dense', width: 4, wStd: NaN }] }, 'layers[0].wStd: wStd must be a number (received NaN)'],
    [{ layers: [{ type: 'dense', width: 4, widht: 3 }] }, 'layers[0].widht: unknown key'],
    [{ layers: [{ type: 'relu' }, { type: 'conv' }] }, 'layers[1]: unknown layer type "conv"'],
    [{ layers: [{ type: 'residual', block: [{ type: 'dense', width: 0 }] }] }, 'layers[0].block[0].width: width must be at least 1'],
    [{ layers: [{ type: 'attention', heads: 1, keyWidth: 0, valueWidth: 2, outWidth: 2 }] }, 'layers[0].keyWidth: keyWidth must be at least 1'],
    [
      { layers: [{ type: 'attention', heads: 1, keyWidth: 2, valueWidth: 2, outWidth: 2, posEmb: { type: 'sum', channels: 3 } }] },
      'layers[0].posEmb: posEmb.channels is only allowed with type "concat"',
    ],
    [
      { layers: [{ type: 'attention', heads: 1, keyWidth: 2, valueWidth: 2, outWidth: 2, posEmb: { type: 'concat' } }] },
      'layers[0].posEmb: posEmb.channels (n_pe) is required',
    ],
    [{ layers: [] }, 'layers: layers must not be empty'],
  ])('rejects %j with a path and a rule', (spec, message) => {
    const issues = issuesOf(() => parseNetworkSpec(spec));
    expect(issues.some((i) => i.startsWith(message))).toBe(true);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(() => parseNetworkSpec({ layers: [{ type: 'dense', width: -1 }, { type: 'nope' }] }));
    expect(issues).toHaveLength(2);
  });

  it('the builder produces what the schema accepts', () => {
    const built = network(dense(8, { wStd: 2 }), relu(), residual(dense(8)), attention({ heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 8 }));
    expect(parseNetworkSpec(JSON.parse(JSON.stringify(built)))).toEqual(built);
    expect(built.layers[3]).toMatchObject({ scaling: 'sqrt', mechanism: 'softmax', wQStd: 1, bStd: 0, posEmb: null });
  });
});

describe('inputs validation', () => {
  it('flattens a batch', () => {
    const b = parseInputs({ inputs: [[[1, 2], [3, 4]]], mask: [[1, 0]] });
    expect(b).toMatchObject({ M: 1, T: 2, d: 2, masked: true });
    expect(Array.from(b.x)).toEqual([1, 2, 3, 4]);
    expect(Array.from(b.mask)).toEqual([1, 0]);
  });

  it.each([
    [{ inputs: [[[1, 2], [3]]] }, 'inputs[0][1]: has 1 channels, inputs[0][0] has 2'],
    [{ inputs: [[[1]], [[1], [2]]] }, 'inputs[1]: has 2 positions, inputs[0] has 1'],
    [{ inputs: [[[1]]], mask: [[1], [1]] }, 'mask: has 2 rows, inputs has 1 inputs'],
    [{ inputs: [[[1], [2]]], mask: [[1]] }, 'mask[0]: has 1 entries, inputs have 2 positions'],
    [{ inputs: [[[1], [2]]], mask: [[0, 0]] }, 'mask[0]: no valid position'],
    [{ inputs: [[[1], [2]]], mask: [[0, 2]] }, 'mask[0][1]: mask entries must be 0 or 1'],
    [{ inputs: [[[NaN]]] }, 'inputs[0][0][0]: must be a number (received NaN)'],
    [{ inputs: [] }, 'inputs: inputs must hold at least one input'],
  ])('rejects %j', (value, message) => {
    const issues = issuesOf(() => parseInputs(value));
    expect(issues.some((i) => i.startsWith(message))).toBe(true);
  });
});
