/** Draws the N(0,1) parameters of networks [first, first + n) of a stack, each from its own keyed stream. */
import * as tf from '@tensorflow/tfjs';
import type { ParamDecl, ParamMap } from '../layers/types.ts';
import { fillNormals, parameterKey } from '../random/normals.ts';

type KeyedDecl = ParamDecl & { key?: string };

function drawOne(d: KeyedDecl, runSeed: number, first: number, n: number): tf.Tensor {
  const size = d.shape.reduce((a, b) => a * b, 1);
  const buf = new Float32Array(n * size);
  for (let k = 0; k < n; k++) fillNormals(buf, k * size, size, parameterKey(runSeed, first + k, d.name));
  return tf.tensor(buf, [n, ...d.shape]);
}

/**
 * Returns tensors keyed by `key` when a declaration carries one (two declarations of one name with
 * different shapes, e.g. a readout at full and at scalar width), else by name. The stream is keyed
 * by the name alone, so a parameter's leading values agree across such shapes.
 */
export function drawParams(decls: readonly KeyedDecl[], runSeed: number, first: number, n: number): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const d of decls) out[d.key ?? d.name] = drawOne(d, runSeed, first, n);
  return out;
}

/**
 * The same parameters, each drawn when first read: a pass that never reads one (a weight whose
 * site's output the sampler draws directly, a readout averaged out) costs no random numbers for it.
 * A parameter read twice is the same tensor. `dispose` frees what was drawn.
 */
export function lazyParams(decls: readonly KeyedDecl[], runSeed: number, first: number, n: number): { map: ParamMap; dispose: () => void } {
  const drawn = new Map<string, tf.Tensor>();
  const map: Record<string, tf.Tensor> = {};
  for (const d of decls) {
    const key = d.key ?? d.name;
    Object.defineProperty(map, key, {
      enumerable: true,
      get: () => {
        let t = drawn.get(key);
        if (!t) {
          // Kept: first read inside one pass's tf.tidy, it must outlive it for the next pass.
          t = tf.keep(drawOne(d, runSeed, first, n));
          drawn.set(key, t);
        }
        return t;
      },
    });
  }
  return { map, dispose: () => drawn.forEach((t) => t.dispose()) };
}

export function disposeParams(p: Record<string, tf.Tensor>): void {
  for (const t of Object.values(p)) t.dispose();
}
