/** Draws the N(0,1) parameters of networks [first, first + n) of a stack, each from its own keyed stream. */
import * as tf from '@tensorflow/tfjs';
import type { ParamDecl } from '../layers/types.ts';
import { fillNormals, parameterKey } from '../random/normals.ts';

/**
 * Returns tensors keyed by `key` when a declaration carries one (two declarations of one name with
 * different shapes, e.g. a readout at full and at scalar width), else by name. The stream is keyed
 * by the name alone, so a parameter's leading values agree across such shapes.
 */
export function drawParams(decls: readonly (ParamDecl & { key?: string })[], runSeed: number, first: number, n: number): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const d of decls) {
    const size = d.shape.reduce((a, b) => a * b, 1);
    const buf = new Float32Array(n * size);
    for (let k = 0; k < n; k++) fillNormals(buf, k * size, size, parameterKey(runSeed, first + k, d.name));
    out[d.key ?? d.name] = tf.tensor(buf, [n, ...d.shape]);
  }
  return out;
}

export function disposeParams(p: Record<string, tf.Tensor>): void {
  for (const t of Object.values(p)) t.dispose();
}
