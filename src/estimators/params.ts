/** Draws the N(0,1) parameters of networks [first, first + n) of a stack, each from its own keyed stream. */
import * as tf from '@tensorflow/tfjs';
import { SCALED, type ParamDecl, type ParamMap } from '../layers/types.ts';
import { fillNormals, parameterKey } from '../random/normals.ts';

type KeyedDecl = ParamDecl & { key?: string };

/** The parameter of networks [first, first + n), times `scale` (applied to the draws in JS: no tensor op). */
function drawOne(d: KeyedDecl, runSeed: number, first: number, n: number, scale = 1): tf.Tensor {
  const size = d.shape.reduce((a, b) => a * b, 1);
  const buf = new Float32Array(n * size);
  for (let k = 0; k < n; k++) fillNormals(buf, k * size, size, parameterKey(runSeed, first + k, d.name));
  if (scale !== 1) for (let i = 0; i < buf.length; i++) buf[i] *= scale;
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
  const map: Record<string, tf.Tensor> & { [SCALED]?: (name: string, s: number) => tf.Tensor } = {};
  const byKey = new Map<string, KeyedDecl>();
  const get = (key: string, scale: number) => {
    const id = scale === 1 ? key : `${key}*${scale}`;
    let t = drawn.get(id);
    if (!t) {
      // Kept: first read inside one pass's tf.tidy, it must outlive it for the next pass.
      t = tf.keep(drawOne(byKey.get(key)!, runSeed, first, n, scale));
      drawn.set(id, t);
    }
    return t;
  };
  for (const d of decls) {
    const key = d.key ?? d.name;
    byKey.set(key, d);
    Object.defineProperty(map, key, { enumerable: true, get: () => get(key, 1) });
  }
  // A scaled read is the same draw times s (one stream per parameter), made once per scale.
  map[SCALED] = (key: string, s: number) => {
    if (!byKey.has(key)) throw new Error(`lazyParams: no parameter ${JSON.stringify(key)}`);
    return get(key, s);
  };
  return { map, dispose: () => drawn.forEach((t) => t.dispose()) };
}

export function disposeParams(p: Record<string, tf.Tensor>): void {
  for (const t of Object.values(p)) t.dispose();
}
