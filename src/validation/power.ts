/**
 * A power floor on verdicts (`validate --max-detectable e`, issue 11): a verdict that passes only
 * because its ensembles are too small to see an error of size e says nothing about an error of
 * that size. Such a verdict is inconclusive (src/verdicts/types.ts), not passed: it leaves the
 * Holm family and fails the run only under --require-power.
 */
import type { KernelAgreement } from '../verdicts/kernelAgreement.ts';

const pct = (x: number) => `${(100 * x).toPrecision(2)} %`;

/** `v`, marked inconclusive (code 'power') when its detectable uniform relative error exceeds `maxDetectable`. */
export function withPowerFloor(v: KernelAgreement, maxDetectable: number | undefined, networks: number): KernelAgreement {
  if (maxDetectable === undefined || !(v.detectableRelativeError > maxDetectable)) return v;
  // The detectable error scales like the standard errors, 1/√networks.
  const factor = (v.detectableRelativeError / maxDetectable) ** 2;
  return {
    ...v,
    inconclusive: [
      ...(v.inconclusive ?? []),
      {
        code: 'power',
        reason: `it catches a uniform relative kernel error of ${pct(v.detectableRelativeError)} with probability ${v.power} at α = ${v.alpha.toExponential(1)}, more than --max-detectable ${pct(maxDetectable)}`,
        remedy: `about ${Math.ceil(factor * networks)} networks per width factor instead of ${networks} (the detectable error falls like 1/√networks), or a larger --max-detectable`,
      },
    ],
  };
}
