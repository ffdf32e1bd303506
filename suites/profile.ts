/**
 * Suite profiles: `quick` (the default, inside `npm test`: a few minutes on 2 cores) and `full`
 * (`npm run suites:full`, SUITES_PROFILE=full). The profile sets how many random architectures
 * the property suites try and how large their ensembles are; the verdicts are the same.
 */
import { randomInt } from 'node:crypto';

export type ProfileName = 'quick' | 'full';

export interface SuiteProfile {
  readonly name: ProfileName;
  /** Random MLP architectures checked against their kernels. */
  readonly mlpRuns: number;
  /** Random attention architectures checked against their kernels. */
  readonly attentionRuns: number;
  /** Random architectures per broken fixture (its detection rate must reach 0.9). */
  readonly brokenRuns: number;
  /** Networks per width factor. */
  readonly networks: number;
  /** Width factors of every case. */
  readonly scales: readonly number[];
  /** Family-wise α of one property over all its runs (Bonferroni over runs, Holm within a run). */
  readonly alpha: number;
  /** Per-test timeout, ms. */
  readonly timeout: number;
}

const profiles: Record<ProfileName, SuiteProfile> = {
  quick: { name: 'quick', mlpRuns: 8, attentionRuns: 3, brokenRuns: 3, networks: 96, scales: [1, 2, 4], alpha: 1e-3, timeout: 300_000 },
  full: { name: 'full', mlpRuns: 100, attentionRuns: 40, brokenRuns: 30, networks: 128, scales: [1, 2, 4], alpha: 1e-3, timeout: 4 * 3600_000 },
};

export function suiteProfile(): SuiteProfile {
  const name = (process.env.SUITES_PROFILE ?? 'quick') as ProfileName;
  const p = profiles[name];
  if (!p) throw new Error(`SUITES_PROFILE must be one of ${Object.keys(profiles).join(', ')}, got ${JSON.stringify(name)}`);
  return p;
}

/** The quick profile's fast-check seed: property-test names and counterexamples stay stable across runs (JUnit). */
export const PINNED_SEED = 20200610;

let drawnSeed: number | undefined;

/**
 * The fast-check seed of this run: FC_SEED when set (to replay a run), else the pinned seed in the
 * quick profile and a fresh one in the full profile, so that the full profile's "random
 * architectures" are not the same few on every run. A failing property prints its seed and
 * counterexample path; `FC_SEED=<seed> SUITES_PROFILE=full npx vitest run <file>` replays the run.
 */
export function propertySeed(): { seed: number; fresh: boolean } {
  const fromEnv = process.env.FC_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(fromEnv)}`);
    return { seed, fresh: false };
  }
  if (suiteProfile().name === 'quick') return { seed: PINNED_SEED, fresh: false };
  drawnSeed ??= randomInt(1, 2 ** 31);
  return { seed: drawnSeed, fresh: true };
}
