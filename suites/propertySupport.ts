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

/**
 * fast-check parameters for a property that must report inside its test's `timeout` (ms).
 *
 * Shrinking a failure runs a full case per candidate, and an architecture has many candidates, so
 * unbounded shrinking can outlast the test: vitest then kills it and the counterexample is lost.
 * fast-check's own clock (`interruptAfterTimeLimit`) stops the property at 80 % of the timeout and
 * reports the counterexample shrunk so far, with the seed and path that replay it. The other 20 %
 * is for the case in progress at that moment (the samplers do not yield to the event loop, so the
 * clock is read only between cases) and for the report. Running out of time before any failure
 * fails as well (`markInterruptAsFailure`): a property that did not finish its runs has not shown
 * what `numRuns` promises, and should not pass on fewer.
 */
export function boundedProperty(numRuns: number, timeout: number): { numRuns: number; interruptAfterTimeLimit: number; markInterruptAsFailure: true } {
  if (!(Number.isInteger(numRuns) && numRuns >= 1)) throw new Error(`boundedProperty: numRuns must be a whole number ≥ 1, got ${numRuns}`);
  if (!(timeout > 0)) throw new Error(`boundedProperty: timeout must be a positive number of milliseconds, got ${timeout}`);
  return { numRuns, interruptAfterTimeLimit: Math.floor(0.8 * timeout), markInterruptAsFailure: true };
}

/** A network seed for tfjs: a whole number in [1, 2^31) (0 means "no seed" to tfjs). */
export const seedRange = { min: 1, max: 2 ** 31 - 1 } as const;
