import { describe, expect, it } from 'vitest';
import { outputGaussianity } from './outputs.ts';
import { parseInputs } from '../spec/schema.ts';
import { parseNetworkSpec } from '../layers/parse.ts';

const inputs = parseInputs({ inputs: [[[1, 0.5, -0.3]], [[0.2, -1, 0.4]]] });

describe('outputGaussianity', () => {
  it('passes a wide MLP: outputs follow the limit law N(0, K(x, x)), jointly over inputs too', async () => {
    const spec = parseNetworkSpec({ layers: [{ type: 'dense', width: 256, wStd: 1.4, bStd: 0.2 }, { type: 'relu' }, { type: 'dense', width: 1 }] });
    const g = await outputGaussianity(spec, inputs, { networks: 600, seed: 3 });
    expect(g.rows).toHaveLength(2);
    for (const { report } of g.rows) for (const v of [report.skewness, report.kurtosis, report.jarqueBera, report.andersonDarling, report.ks!]) expect(v.rejected, v.method).toBe(false);
    expect(g.joint!.rejected).toBe(false);
  });

  it('sees the positive excess kurtosis of single-head sqrt attention (a scale mixture at any width)', async () => {
    const spec = parseNetworkSpec({
      layers: [
        { type: 'dense', width: 32 },
        { type: 'attention', heads: 1, keyWidth: 32, valueWidth: 32, outWidth: 32, scaling: 'sqrt', mechanism: 'identity', wQStd: 1.5, wKStd: 1.5 },
        { type: 'globalAvgPool' },
        { type: 'dense', width: 1 },
      ],
    });
    const seq = parseInputs({ inputs: [[[1, 0.5, -0.3], [0.2, -1, 0.4], [-0.7, 0.3, 0.9]]] });
    const g = await outputGaussianity(spec, seq, { networks: 1500, seed: 5 });
    const outputs = g.rows[0].report;
    expect(outputs.kurtosis.value).toBeGreaterThan(0);
    // One-sided at α = 1e-3 (the direction the theory predicts): z = G2/SE beyond z_0.999 = 3.09.
    expect(outputs.kurtosis.statistic, `G2 = ${outputs.kurtosis.value}`).toBeGreaterThan(3.09);
  });
});
