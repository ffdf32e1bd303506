/** Shared by the property suites: run one random case through the verdict engine and explain a failure. */
import { parseInputs } from '../src/spec/schema.ts';
import { parseNetworkSpec } from '../src/layers/parse.ts';
import type { InputsSpec } from '../src/spec/types.ts';
import { runCase, type CaseResult } from '../src/validation/case.ts';
import { decideSuite, type SuiteDecision } from '../src/validation/family.ts';
import type { Architecture } from './arbitraries.ts';
import type { SuiteProfile } from './profile.ts';

export interface PropertyRun {
  readonly result: CaseResult;
  readonly decision: SuiteDecision;
  /** One line per rejected verdict, with the spec, for the failure message. */
  readonly failures: string[];
}

/**
 * Runs the case at level α/runs per run (Bonferroni over the property's runs, Holm over the NNGP
 * and NTK verdicts of the run), so the whole property has a family-wise false-positive rate ≤ α.
 */
export async function runProperty(arch: Architecture, inputs: InputsSpec, seed: number, profile: SuiteProfile, runs: number): Promise<PropertyRun> {
  const spec = parseNetworkSpec({ layers: arch.layers });
  const batch = parseInputs(inputs);
  const alpha = profile.alpha / Math.max(1, runs);
  const result = await runCase(
    { name: 'property', spec, inputs: batch, scales: profile.scales, networks: profile.networks, seed, scaleHeads: arch.scaleHeads },
    { alpha: alpha / 2 },
  );
  const decision = decideSuite([result], alpha);
  const failures = decision.members
    .filter((m) => m.rejected)
    .map(
      (m) =>
        `${m.kernel}: max|z| = ${m.verdict.statistic.toFixed(2)}, Holm p = ${m.adjusted.toExponential(2)} ≤ ${alpha.toExponential(2)}; ` +
        `worst entry (${m.verdict.worst.row}, ${m.verdict.worst.col}): kernel ${m.verdict.worst.analytic.toPrecision(5)}, ` +
        `extrapolated ${m.verdict.worst.extrapolated.toPrecision(5)} ± ${m.verdict.worst.se.toPrecision(2)}` +
        (m.verdict.notes.length ? `; ${m.verdict.notes.join('; ')}` : '') +
        `\n  spec: ${JSON.stringify({ layers: arch.layers })}`,
    );
  return { result, decision, failures };
}

/** A network seed for tfjs: a whole number in [1, 2^31) (0 means "no seed" to tfjs). */
export const seedRange = { min: 1, max: 2 ** 31 - 1 } as const;
