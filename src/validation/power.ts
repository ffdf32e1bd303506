/**
 * A power floor on verdicts (`validate --max-detectable e`, issue 11): a verdict that passes only
 * because its ensembles are too small to see an error of size e says nothing about an error of
 * that size. Such a verdict is inconclusive (src/verdicts/types.ts), not passed: it leaves the
 * Holm family and fails the run only under --require-power.
 */
import type { KernelAgreement } from '../verdicts/kernelAgreement.ts';

const pct = (x: number) => `${(100 * x).toPrecision(2)} %`;

/** Networks per width factor at which a verdict that detects `detectable` with `networks` would detect `target`: the detectable error falls like 1/√networks. */
export function networksToDetect(detectable: number, target: number, networks: number): number {
  return Math.ceil((detectable / target) ** 2 * networks);
}

/** `v`, marked inconclusive (code 'power') when its detectable uniform relative error exceeds `maxDetectable`. */
export function withPowerFloor(v: KernelAgreement, maxDetectable: number | undefined, networks: number): KernelAgreement {
  if (maxDetectable === undefined || !(v.detectableRelativeError > maxDetectable)) return v;
  return {
    ...v,
    inconclusive: [
      ...(v.inconclusive ?? []),
      {
        code: 'power',
        reason: `it catches a uniform relative kernel error of ${pct(v.detectableRelativeError)} with probability ${v.power} at α = ${v.alpha.toExponential(1)}, more than --max-detectable ${pct(maxDetectable)}`,
        remedy: `about ${networksToDetect(v.detectableRelativeError, maxDetectable, networks)} networks per width factor instead of ${networks} (the detectable error falls like 1/√networks), or a larger --max-detectable`,
      },
    ],
  };
}
