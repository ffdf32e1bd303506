/**
 * Moved to src/pipeline/kernel.ts (the driver sits above layers/ and network.ts, so it cannot live
 * in kernels/). This re-export keeps the old import path working until its last importers
 * (src/index.ts, src/validation/case.ts, src/cli/commands/checkLayerEngine.ts, bench/task.ts,
 * suites/package.test.ts) import the new one; .dependency-cruiser.cjs lists it as a known violation.
 */
export * from '../pipeline/kernel.ts';
