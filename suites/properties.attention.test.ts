/**
 * Property: random architectures WITH attention (linear and sqrt scaling; softmax, identity, relu,
 * abs; positional embeddings sum/concat with decays; masks) agree with their kernels by the
 * calibrated verdict. Sqrt attention converges in 1/heads, so its cases grow the heads with the
 * width factor (Architecture.scaleHeads). The quick profile keeps to closed-form kernels (linear,
 * or sqrt with identity, relu or abs): sampled sqrt softmax kernels run in the full profile.
 * Skipped when no attention layer is registered.
 */
import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { layerTypes } from '../src/layers/registry.ts';
import { architectureArb, inputsArb } from './arbitraries.ts';
import { suiteProfile } from './profile.ts';
import { boundedProperty, runProperty, seedRange } from './propertySupport.ts';

const profile = suiteProfile();

describe.skipIf(!('attention' in layerTypes))(`random attention architectures (${profile.name} profile)`, () => {
  test.prop(
    [
      architectureArb({
        maxUnits: 2,
        widths: [8, 12],
        activations: ['relu', 'erf', 'gelu'],
        attention: true,
        closedFormAttention: profile.name === 'quick',
      }).filter((a) => a.layers.some((l) => l.type === 'attention')),
      inputsArb({ M: [2, 2], T: [2, 3], d: [2, 3], masks: true }),
      fc.integer(seedRange),
    ],
    boundedProperty(profile.attentionRuns, profile.timeout),
  )(
    'finite ensembles agree with the kernel (NNGP and NTK)',
    async (arch, inputs, seed) => {
      const { failures } = await runProperty(arch, inputs, seed, profile, profile.attentionRuns);
      expect(failures).toEqual([]);
    },
    profile.timeout,
  );
});
