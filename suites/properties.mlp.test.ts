/**
 * Property: for ANY valid MLP architecture (dense, relu/erf/abs/gelu/tanh, LayerNorm, residual
 * blocks, pooling, masks) and any inputs, the finite ensembles agree with the analytic kernels by
 * the calibrated verdict (src/verdicts/, docs/calibration.md). A failure shrinks towards a minimal
 * architecture for at most 80 % of the test's timeout (boundedProperty); fast-check then prints
 * the counterexample shrunk so far with its seed and path, which replay it exactly
 * (`test.prop(..., { seed, path, endOnFailure: true })`); the run's seed is pinned in the quick
 * profile and drawn fresh in the full one (suites/profile.ts, propertySeed).
 */
import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { architectureArb, inputsArb } from './arbitraries.ts';
import { suiteProfile } from './profile.ts';
import { boundedProperty, runProperty, seedRange } from './propertySupport.ts';

const profile = suiteProfile();

describe(`random MLP architectures (${profile.name} profile)`, () => {
  test.prop(
    [
      architectureArb({ maxUnits: 3, widths: [8, 12, 16], activations: ['relu', 'erf', 'abs', 'gelu', 'tanh'], attention: false }),
      inputsArb({ M: [2, 3], T: [1, 3], d: [2, 4], masks: true }),
      fc.integer(seedRange),
    ],
    boundedProperty(profile.mlpRuns, profile.timeout),
  )(
    'finite ensembles agree with the kernel (NNGP and NTK)',
    async (arch, inputs, seed) => {
      const { failures } = await runProperty(arch, inputs, seed, profile, profile.mlpRuns);
      expect(failures).toEqual([]);
    },
    profile.timeout,
  );
});
