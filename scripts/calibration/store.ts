/**
 * What a calibration store holds (scripts/calibrate.ts writes it): one JSON line per null run in
 * STORE/runs.jsonl, and each run's per-network kernels as float32 in STORE/raw/, laid out
 * [kernel (NNGP, NTK)][width factor][network][P²]. The scripts that re-read a store share this
 * module, so that the layout has one reader.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MomentAccumulator } from '../../src/estimators/accumulator.ts';
import { widthEstimate, type KernelKind } from '../../src/validation/case.ts';

export type Kind = KernelKind;
export const KINDS: readonly Kind[] = ['nngp', 'ntk'];

export interface SampleJob {
  readonly id: string;
  readonly family: string;
  readonly arch: string;
  readonly seed: number;
}

export interface RunRecord extends SampleJob {
  readonly networks: number;
  readonly scales: readonly number[];
  readonly P: number;
  readonly mask: readonly number[];
  readonly analytic: Record<Kind, number[]>;
  readonly analyticSE: Record<Kind, number[]> | null;
  readonly kernelSamples: number;
  readonly raw: string;
  readonly seconds: number;
}

/** Every network's kernel of one kind, per width factor: [networks · P²] float32 views into the run's file. */
export function storedNetworks(store: string, r: RunRecord, kind: Kind): Float32Array[] {
  const buf = readFileSync(resolve(store, r.raw));
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const P2 = r.P * r.P;
  const F = r.scales.length;
  if (all.length !== 2 * F * r.networks * P2) throw new Error(`${r.raw}: ${all.length} values, expected ${2 * F * r.networks * P2}`);
  const k = kind === 'nngp' ? 0 : 1;
  return r.scales.map((_, f) => all.subarray((k * F + f) * r.networks * P2, (k * F + f + 1) * r.networks * P2));
}

/** The per-width estimates of one kernel of a stored run, exactly as runCase builds them. */
export function storedEstimates(store: string, r: RunRecord, kind: Kind) {
  const P2 = r.P * r.P;
  return storedNetworks(store, r, kind).map((nets, f) => {
    const acc = new MomentAccumulator(P2, true);
    for (let n = 0; n < r.networks; n++) acc.add(nets.subarray(n * P2, (n + 1) * P2));
    return widthEstimate(r.scales[f], acc);
  });
}
