/** A suite file: named cases whose spec and inputs are file paths (relative to the suite) or inline JSON. */
import { dirname, resolve } from 'node:path';
import * as v from 'valibot';
import { parseInputs, parseNetworkSpec, SpecError } from '../spec/schema.ts';
import { readInputs, readJson, readSpec } from '../io.ts';
import type { CaseDefinition } from './case.ts';

const caseSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1)),
  spec: v.union([v.string(), v.record(v.string(), v.unknown())]),
  inputs: v.union([v.string(), v.record(v.string(), v.unknown())]),
  scales: v.pipe(
    v.array(v.pipe(v.number(), v.finite(), v.minValue(0.01))),
    v.check((s) => new Set(s).size === s.length && s.length >= 3, 'scales must hold at least three distinct width factors (to fit and test the 1/width bias model)'),
  ),
  scaleHeads: v.optional(v.boolean(), false),
  networks: v.pipe(v.number(), v.integer(), v.minValue(2)),
  seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1),
  checks: v.optional(v.array(v.picklist(['nngp', 'ntk']))),
});
// `training`: training cases, validated and loaded by src/training/suite.ts (loadTrainingCases).
const suiteSchema = v.strictObject({ description: v.optional(v.string()), cases: v.array(caseSchema), training: v.optional(v.array(v.unknown())) });

export function loadSuite(path: string): CaseDefinition[] {
  const parsed = v.safeParse(suiteSchema, readJson(path, 'suite'));
  if (!parsed.success)
    throw new SpecError(`${path}: invalid suite:\n  ${parsed.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`).join('\n  ')}`);
  const dir = dirname(path);
  return parsed.output.cases.map((c) => ({
    ...c,
    spec: typeof c.spec === 'string' ? readSpec(resolve(dir, c.spec)) : parseNetworkSpec(c.spec),
    inputs: typeof c.inputs === 'string' ? readInputs(resolve(dir, c.inputs)) : parseInputs(c.inputs),
  }));
}
