/**
 * boundedProperty's parameters keep what a property suite promises: a failure fails, reports its
 * shrunk counterexample with the seed and path that replay it, and time running out before any
 * failure fails too. Cheap properties, no ensembles; no assertion on wall time.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boundedProperty } from './propertySupport.ts';

describe('boundedProperty', () => {
  const atMostTwo = fc.property(fc.array(fc.integer({ min: 0, max: 9 })), (a) => a.length <= 2);

  it('fails a failing property and shrinks it; its seed and path replay the counterexample', () => {
    const out = fc.check(atMostTwo, { ...boundedProperty(100, 60_000), seed: 7 });
    expect(out.failed).toBe(true);
    expect(out.interrupted).toBe(false);
    expect(out.counterexample).toEqual([[0, 0, 0]]);
    const replay = fc.check(atMostTwo, { seed: out.seed, path: out.counterexamplePath!, endOnFailure: true });
    expect(replay.counterexample).toEqual(out.counterexample);
  });

  it('fails a property whose time runs out before it ran (not a pass on no runs)', () => {
    // 0.8 × 1 ms rounds down to a limit of 0 ms: fast-check interrupts before the first run.
    const out = fc.check(fc.property(fc.integer(), () => true), boundedProperty(100, 1));
    expect(out.interrupted).toBe(true);
    expect(out.failed).toBe(true);
    expect(out.numRuns).toBe(0);
  });

  it('fails a property interrupted after some runs passed (markInterruptAsFailure), instead of passing on fewer runs', () => {
    // The first run holds the thread past the limit (0.8 × 500 ms from the start of the check), so
    // the second finds the time spent: one run passed, the property is interrupted and fails.
    const start = Date.now();
    const out = fc.check(
      fc.property(fc.integer(), () => {
        while (Date.now() < start + 500);
        return true;
      }),
      boundedProperty(100, 500),
    );
    expect(out.interrupted).toBe(true);
    expect(out.numRuns).toBe(1);
    expect(out.failed).toBe(true);
  });

  it('refuses a run count or timeout that is not one', () => {
    expect(() => boundedProperty(0, 1000)).toThrow(/numRuns/);
    expect(() => boundedProperty(10, 0)).toThrow(/timeout/);
  });
});
