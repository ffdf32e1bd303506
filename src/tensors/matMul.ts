/**
 * Batched matrix product whose gradient uses explicit transposes. tfjs's own gradient of matMul
 * emits matMul(dy, b, false, true) and matMul(a, dy, true, false); on WASM a transposed operand
 * leaves XNNPACK for a scalar loop (~3 GFLOP/s against ~30; docs/performance.md), which made the NTK's reverse
 * pass five times slower than its forward pass. A rank-3 transpose is cheap on every backend.
 */
import * as tf from '@tensorflow/tfjs';

const swapLast = (t: tf.Tensor): tf.Tensor => {
  const r = t.rank;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return t.transpose(perm);
};

const product = tf.customGrad((a, b, save) => {
  const A = a as tf.Tensor3D;
  const B = b as tf.Tensor3D;
  (save as (ts: tf.Tensor[]) => void)([A, B]);
  return {
    value: tf.matMul(A, B),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as tf.Tensor3D[];
      return [tf.matMul(dy as tf.Tensor3D, swapLast(sb) as tf.Tensor3D), tf.matMul(swapLast(sa) as tf.Tensor3D, dy as tf.Tensor3D)];
    },
  };
});

/** a [..., R, n] × b [..., n, m]; pass `transposeB` to use bᵀ (done by an explicit transpose). */
export function matMul<T extends tf.Tensor>(a: T, b: tf.Tensor, transposeB = false): T {
  return product(a, transposeB ? swapLast(b) : b) as T;
}

/**
 * dy Bᵀ computed as (B dyᵀ)ᵀ: the operand XNNPACK packs afresh is then dyᵀ (rows × m) instead of
 * Bᵀ (n × m), and the transposes move dy and the result (rows × ·) rather than the weight (n × m).
 * Pays when B has more rows than dy (a weight against the 64 rows of one network's batch).
 */
export function signalBack(dy: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  // One output column (a scalar readout): dy bᵀ is a broadcast product, no GEMM and no transposes.
  if (b.shape[2] === 1) return dy.mul(b.reshape([b.shape[0], 1, b.shape[1]])) as tf.Tensor3D;
  if (b.shape[1] <= dy.shape[1]) return tf.matMul(dy, swapLast(b) as tf.Tensor3D);
  return swapLast(tf.matMul(b, swapLast(dy) as tf.Tensor3D)) as tf.Tensor3D;
}

const productFixedB = (b: tf.Tensor3D) =>
  tf.customGrad((a, save) => {
    (save as (ts: tf.Tensor[]) => void)([b]);
    return {
      value: tf.matMul(a as tf.Tensor3D, b),
      gradFunc: (dy, saved) => [signalBack(dy as tf.Tensor3D, (saved as tf.Tensor3D[])[0])],
    };
  });

/**
 * a × b where only a is differentiated: for the contraction NTK, whose reverse pass needs the
 * signals but never the weight gradients (it forms the weights' NTK from Grams instead), this
 * skips one GEMM per product in the backward pass.
 */
export function matMulConstB<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return productFixedB(b as tf.Tensor3D)(a) as T;
}
