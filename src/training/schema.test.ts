import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLearningRate, parseRidge, parseSteps, parseTargets, parseTestFile } from './schema.ts';
import { loadTrainingCases } from './suite.ts';
import { TrainingInputError } from './predict.ts';
import { SpecError } from '../spec/schema.ts';

describe('training inputs are validated with paths', () => {
  it('targets: a count that does not match the inputs, non-finite entries, a misspelt wrapper', () => {
    expect(() => parseTargets([1, 2], 3)).toThrow(/targets: 2 targets for 3 inputs/);
    expect(() => parseTargets([1, 'NaN', null], 3)).toThrow(/targets\[1\]: must be a finite number \(received "NaN"\)\n\s+targets\[2\]: must be a finite number \(received null\)/);
    expect(() => parseTargets({ target: [1] }, 1)).toThrow(/expected an array of numbers or \{"targets": \[\.\.\.\]\}/);
    expect(Array.from(parseTargets({ targets: [1, -2.5] }, 2))).toEqual([1, -2.5]);
    // An input error: the CLI exits 2 for SpecErrors.
    expect(() => parseTargets([], 0)).toThrow(SpecError);
  });

  it('steps: whole, ≥ 0 or inf, increasing', () => {
    expect(parseSteps('0,10,100,inf')).toEqual([0, 10, 100, Infinity]);
    expect(parseSteps([0, 'inf'])).toEqual([0, Infinity]);
    expect(() => parseSteps('0,10,10')).toThrow(/steps\[2\]: steps must increase \(10 then 10\)/);
    expect(() => parseSteps('0,x,-1,2.5')).toThrow(/steps\[1\]: a step must be a whole number ≥ 0 or inf \(received "x"\)[\s\S]*steps\[2\][\s\S]*steps\[3\]/);
    expect(() => parseSteps('inf,3')).toThrow(/steps must increase \(Infinity then 3\)/);
  });

  it('learning rate > 0 and ridge ≥ 0', () => {
    expect(parseLearningRate('0.25')).toBe(0.25);
    expect(() => parseLearningRate('0')).toThrow(/lr: the learning rate η must be > 0/);
    expect(() => parseLearningRate('-1')).toThrow(TrainingInputError);
    expect(() => parseLearningRate('fast')).toThrow(/got "fast"/);
    expect(() => parseRidge('-0.1')).toThrow(/ridge λ must be ≥ 0/);
    expect(parseRidge('0')).toBe(0);
  });

  it('a test file may carry its targets', () => {
    const t = parseTestFile({ inputs: [[[1, 2]], [[3, 4]]], targets: [0.5, 1] });
    expect(t.inputs.M).toBe(2);
    expect(Array.from(t.targets!)).toEqual([0.5, 1]);
    expect(parseTestFile({ inputs: [[[1, 2]]] }).targets).toBeNull();
    expect(() => parseTestFile({ inputs: [[[1, 2]]], targets: [1, 2] })).toThrow(/test targets: 2 targets for 1 inputs/);
  });
});

describe('training cases in suite files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'training-suite-'));
  const write = (name: string, value: unknown) => {
    writeFileSync(join(dir, name), JSON.stringify(value));
    return join(dir, name);
  };
  const spec = { layers: [{ type: 'dense', width: 4 }, { type: 'relu' }, { type: 'globalAvgPool' }, { type: 'dense', width: 1 }] };
  const base = { name: 'c', spec, task: { sequence: { seed: 1, train: 3, test: 2, minLength: 1, maxLength: 3, channels: 2 } }, lr: 0.1, steps: [0, 2, 'inf'], scales: [1, 2, 4], networks: 8 };

  it('loads generated and file tasks, and the kernel-case loader accepts the suite', () => {
    write('x.json', { inputs: [[[1, 0]], [[0, 1]]] });
    write('y.json', [0.5, -0.5]);
    write('t.json', { inputs: [[[1, 1]]], targets: [0.2] });
    const path = write('suite.json', { cases: [], training: [base, { ...base, name: 'files', mode: 'readout', task: { inputs: 'x.json', targets: 'y.json', test: 't.json' } }] });
    const cases = loadTrainingCases(path);
    expect(cases.map((c) => c.name)).toEqual(['c', 'files']);
    expect(cases[0].steps).toEqual([0, 2, Infinity]);
    expect(cases[0].task.train.M).toBe(3);
    expect(cases[1].mode).toBe('readout');
    expect(Array.from(cases[1].task.testTargets!)).toEqual([0.2]);
    expect(loadTrainingCases(path, new Set(['files'])).map((c) => c.name)).toEqual(['files']);
  });

  it('names the case and the field of every problem', () => {
    expect(() => loadTrainingCases(write('a.json', { cases: [], training: [{ ...base, lr: -1 }] }))).toThrow(/training\[0\]\.lr: .*η must be > 0/);
    expect(() => loadTrainingCases(write('b.json', { cases: [], training: [{ ...base, steps: [3, 1] }] }))).toThrow(/training\[0\]\.steps\[1\]: steps must increase \(3 then 1\)/);
    expect(() => loadTrainingCases(write('c.json', { cases: [], training: [{ ...base, scales: [1, 2] }] }))).toThrow(/training\[0\]\.scales: scales must hold at least three/);
    write('y3.json', [1, 2, 3]);
    write('x2.json', { inputs: [[[1, 0]], [[0, 1]]] });
    expect(() => loadTrainingCases(write('d.json', { cases: [], training: [{ ...base, task: { inputs: 'x2.json', targets: 'y3.json', test: 'x2.json' } }] }))).toThrow(/training\[0\]\.task\.targets: 3 targets for 2 inputs/);
  });
});
