/** A suite file: named cases whose spec and inputs are file paths (relative to the suite) or inline JSON. */
import { dirname, resolve } from 'node:path';
import * as v from 'valibot';
import { parseInputs, SpecError } from '../spec/schema.ts';
import { parseNetworkSpec } from '../layers/parse.ts';
import { readInputs, readJson, readSpec } from '../io.ts';
import { needsHeadScaling } from '../layers/heads.ts';
import { scaleSpec } from '../layers/scale.ts';
import type { CaseDefinition } from './case.ts';

const caseSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1)),
  spec: v.union([v.string(), v.record(v.string(), v.unknown())]),
  inputs: v.union([v.string(), v.record(v.string(), v.unknown())]),
  scales: v.pipe(
    v.array(v.pipe(v.number(), v.finite(), v.minValue(0.01))),
    v.check((s) => new Set(s).size === s.length && s.length >= 3, 'scales must hold at least three distinct width factors (to fit and test the 1/width bias model)'),
  ),
  // Default: the rule of src/layers/heads.ts (sqrt attention before a non-linearity needs heads that grow).
  scaleHeads: v.optional(v.boolean()),
  networks: v.pipe(v.number(), v.integer(), v.minValue(2)),
  seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1),
  checks: v.optional(v.pipe(v.array(v.picklist(['nngp', 'ntk'])), v.minLength(1, 'checks must name at least one kernel (a case without verdicts tests nothing)'))),
});
// `training`: training cases, validated and loaded by src/training/suite.ts (loadTrainingCases).
const suiteSchema = v.pipe(
  v.strictObject({
    description: v.optional(v.string()),
    cases: v.pipe(
      v.array(caseSchema),
      v.check((cs) => new Set(cs.map((c) => c.name)).size === cs.length, 'case names must be unique (--only and the reports select cases by name)'),
    ),
    training: v.optional(v.array(v.unknown())),
  }),
  v.check((s) => s.cases.length + (s.training?.length ?? 0) > 0, 'a suite needs at least one case (in "cases" or "training")'),
);

export function loadSuite(path: string): CaseDefinition[] {
  const parsed = v.safeParse(suiteSchema, readJson(path, 'suite'));
  if (!parsed.success) {
    const issues = parsed.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`);
    // One line per problem.
    throw new SpecError(`${path}: invalid suite:${issues.length === 1 ? ` ${issues[0]}` : `\n  ${issues.join('\n  ')}`}`, issues);
  }
  const dir = dirname(path);
  return parsed.output.cases.map((c) => {
    const spec = typeof c.spec === 'string' ? readSpec(resolve(dir, c.spec)) : parseNetworkSpec(c.spec);
    const scaleHeads = c.scaleHeads ?? needsHeadScaling(spec);
    // A width factor that would change the kernel is refused here, before anything runs.
    for (const f of c.scales)
      try {
        scaleSpec(spec, { width: f, heads: scaleHeads ? f : 1 });
      } catch (e) {
        if (e instanceof SpecError) throw new SpecError(`${path}: case ${JSON.stringify(c.name)}: ${e.message}`);
        throw e;
      }
    return {
      ...c,
      spec,
      inputs: typeof c.inputs === 'string' ? readInputs(resolve(dir, c.inputs)) : parseInputs(c.inputs),
      scaleHeads,
    };
  });
}
