/**
 * Detection on random architectures: every deliberately broken layer of fixtures/broken, swapped
 * in on random architectures that use it where the bug matters, must be detected (the run's Holm
 * family rejects at α = 1e-3) in at least 90 % of the architectures sampled.
 *
 * What that says about power (the detection probability over the architecture distribution): an
 * observed rate is not the power. With n architectures the Clopper–Pearson two-sided 95 % lower
 * bound on the power after n of n detections is (0.025)^(1/n): 0.29 for the quick profile's 3,
 * 0.88 for the full profile's 30 (0.90 needs 36 of 36). So the quick profile shows that each bug
 * is caught on the architectures it draws, not "power ≥ 0.9"; the test prints the bound each run.
 * The architectures come from the same arbitraries as the property suites (fc.sample with the
 * run's fast-check seed: pinned in the quick profile, fresh in the full one, FC_SEED to replay).
 */
import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { overrideLayer } from '../src/layers/registry.ts';
import { brokenMlpLayers } from '../fixtures/broken/index.ts';
import { architectureArb, inputsArb, meanCarrying, type Architecture, type ArchitectureOptions } from './arbitraries.ts';
import { propertySeed, suiteProfile } from './profile.ts';
import { binomialInterval } from '../src/stats/binomialInterval.ts';
import { runProperty, seedRange } from './propertySupport.ts';

const profile = suiteProfile();

/** What an architecture must contain for each bug to matter. */
const requirements: Record<string, ArchitectureOptions['require']> = {
  // Every architecture has dense layers; the bug drops their own term from the NTK.
  'dense-ntk-without-K': undefined,
  'relu-half-scale': { pattern: 'act', activations: ['relu'] },
  // LayerNorm's mean only matters after an activation with a non-zero mean.
  'layernorm-uncentred': { pattern: 'act-layerNorm', activations: meanCarrying },
};

/**
 * Architectures where a bug is invisible by construction, excluded: a kernel scaled by a constant
 * (ReLU at half scale, its mean by 1/√2) is normalised away exactly by any LayerNorm after it,
 * (cK − c m m)/√(c(K_ii − m_i²) · c(K_jj − m_j²)) = the original, and so is its NTK.
 */
const invisible: Record<string, (a: Architecture) => boolean> = {
  'relu-half-scale': (a) => {
    const first = a.layers.findIndex((l) => l.type === 'relu');
    return a.layers.slice(first + 1).some((l) => l.type === 'layerNorm');
  },
};

describe(`broken layers are detected on random architectures (${profile.name} profile)`, () => {
  it.each(brokenMlpLayers.map((b) => [b.name, b] as const))(
    '%s',
    async (_name, b) => {
      const require = requirements[b.name];
      const samples = fc.sample(
        fc.tuple(
          fc.constantFrom(...(require?.activations ?? ['relu'])).chain((a) =>
            architectureArb({
              maxUnits: 2,
              widths: [8, 12, 16],
              activations: ['relu', 'erf', 'abs', 'gelu', 'tanh'],
              attention: false,
              require: require && { ...require, activations: [a] },
            }).filter((arch) => !invisible[b.name]?.(arch)),
          ),
          inputsArb({ M: [2, 3], T: [1, 3], d: [2, 4], masks: true }),
          fc.integer(seedRange),
        ),
        { seed: propertySeed().seed, numRuns: profile.brokenRuns },
      );
      const misses: string[] = [];
      for (const [arch, inputs, seed] of samples) {
        const restore = overrideLayer(b.type, b.factory);
        try {
          const { decision } = await runProperty(arch, inputs, seed, profile, 1);
          if (decision.passed) misses.push(`seed ${seed}: ${JSON.stringify({ layers: arch.layers })} with ${JSON.stringify(inputs)}`);
        } finally {
          restore();
        }
      }
      const rate = (samples.length - misses.length) / samples.length;
      const detected = samples.length - misses.length;
      const bound = binomialInterval(detected, samples.length, 0.95).lower;
      console.log(`${b.name}: detected on ${detected}/${samples.length} random architectures (power ≥ ${bound.toFixed(2)} at 95 % confidence, Clopper–Pearson)`);
      expect(rate, `${b.bug}: detected in ${samples.length - misses.length}/${samples.length}; missed:\n${misses.join('\n')}`).toBeGreaterThanOrEqual(0.9);
    },
    profile.timeout,
  );
});
