/**
 * The reference configurations of the benchmark (issue 6, section 1), their inputs, and the
 * analytic FLOP counts that turn networks per second into GFLOP/s (bench/README.md, "FLOPs").
 *
 * Everything here is plain data so the PyTorch peer can read the very same specs and inputs from
 * JSON: the two implementations can then only differ in how they run a network, never in which.
 */
import { attention, dense, globalAvgPool, layerNorm, network, relu, residual } from '../src/layers/builder.ts';
import { parseInputs } from '../src/spec/schema.ts';
import type { InputBatch, InputsSpec, LayerSpec, NetworkSpec } from '../src/spec/types.ts';
import { normalStream } from '../src/random/normals.ts';

export type Task = 'nngp' | 'ntk';
export const tasks: readonly Task[] = ['nngp', 'ntk'];

export interface BenchConfig {
  readonly name: string;
  readonly description: string;
  /** Width n of the body; the NNGP task reads out n channels, the NTK task one. */
  readonly width: number;
  /** The network without its readout. */
  readonly body: readonly LayerSpec[];
  readonly masked: boolean;
}

export const M = 8;
export const T = 8;
export const D = 16;
/** Network seed of every timed run (any fixed non-zero value; tfjs reads 0 as "no seed"). */
export const SEED = 20240601;

/** R1–R3: dense(16→n) → attention(sqrt, softmax) → relu → globalAvgPool → readout. */
function attentionNet(n: number, H: number, dk: number): LayerSpec[] {
  return [
    dense(n),
    attention({ heads: H, keyWidth: dk, valueWidth: dk, outWidth: n, scaling: 'sqrt', mechanism: 'softmax' }),
    relu(),
    globalAvgPool(),
  ];
}

/**
 * R4, the transformer-like encoder of issue 3: dense → 2 × [residual(attention) → layerNorm →
 * residual(dense → relu → dense) → layerNorm] → globalAvgPool → readout, with a trainable sum
 * positional embedding in each attention layer, on masked inputs. d_k = d_v = n/H, as in a
 * transformer, so the heads together are as wide as the stream.
 */
function encoder(n: number, H: number): LayerSpec[] {
  const block = (): LayerSpec[] => [
    residual(
      attention({
        heads: H,
        keyWidth: n / H,
        valueWidth: n / H,
        outWidth: n,
        scaling: 'sqrt',
        mechanism: 'softmax',
        posEmb: { type: 'sum' },
      }),
    ),
    layerNorm(),
    residual(dense(n), relu(), dense(n)),
    layerNorm(),
  ];
  return [dense(n), ...block(), ...block(), globalAvgPool()];
}

export const configs: readonly BenchConfig[] = [
  { name: 'R1', description: 'dense 256, attention H=16 dk=dv=16', width: 256, body: attentionNet(256, 16, 16), masked: false },
  { name: 'R2', description: 'dense 512, attention H=64 dk=dv=8', width: 512, body: attentionNet(512, 64, 8), masked: false },
  { name: 'R3', description: 'dense 128, attention H=1 dk=dv=128', width: 128, body: attentionNet(128, 1, 128), masked: false },
  { name: 'R4', description: 'encoder n=128 H=8, 2 blocks, pos.emb., masks', width: 128, body: encoder(128, 8), masked: true },
];

export function configByName(name: string): BenchConfig {
  const c = configs.find((x) => x.name === name);
  if (!c) throw new Error(`unknown config ${JSON.stringify(name)}; expected one of ${configs.map((x) => x.name).join(', ')}`);
  return c;
}

/** The network of a task: the NNGP reads out n channels (its estimate averages over them), the NTK one. */
export function taskSpec(c: BenchConfig, task: Task): NetworkSpec {
  return network(...c.body, dense(task === 'nngp' ? c.width : 1));
}

/** Valid lengths of the masked batch: a mix of full and padded sequences, the shortest 3 of 8. */
const maskedLengths = [8, 6, 8, 5, 8, 7, 3, 8];

/** The inputs as JSON (the schema's format), deterministic: the keyed normal stream of src/random/. */
export function inputsJson(masked: boolean): InputsSpec {
  const normal = normalStream(`infinite-attention/bench/inputs/M${M}T${T}d${D}`);
  const inputs = Array.from({ length: M }, () => Array.from({ length: T }, () => Array.from({ length: D }, normal)));
  if (!masked) return { inputs };
  return { inputs, mask: maskedLengths.map((L) => Array.from({ length: T }, (_, t) => (t < L ? 1 : 0))) };
}

export function inputBatch(masked: boolean): InputBatch {
  return parseInputs(inputsJson(masked));
}

// ---------------------------------------------------------------------------------------------
// FLOPs (bench/README.md explains the choices)

export interface FlopCount {
  /** Matmul FLOPs of one forward pass of one network over the batch (2 per multiply-add). */
  readonly forward: number;
  /** Σ over parameterised per-position linear maps of 2·R²·(a + b): their input and signal Grams. */
  readonly gramContraction: number;
  /** M·M Gram of the outputs, 2·M²·n_out (the NNGP per network). */
  readonly outputGram: number;
}

/**
 * Counts, walking the spec, the FLOPs of the matrix products only: activations, softmax, layer
 * norms, pooling and masks are O(rows·n) against O(rows·n²) and are left out. R is the number of
 * rows a per-position map sees (M·T before pooling, M after).
 */
export function countFlops(spec: NetworkSpec, batch: { M: number; T: number; d: number }): FlopCount {
  let forward = 0;
  let gram = 0;
  const linear = (R: number, a: number, b: number) => {
    forward += 2 * R * a * b;
    gram += 2 * R * R * (a + b);
  };
  const walk = (layers: readonly LayerSpec[], width: number, T: number): { width: number; T: number } => {
    for (const l of layers) {
      const R = batch.M * T;
      switch (l.type) {
        case 'dense':
          linear(R, width, l.width);
          width = l.width;
          break;
        case 'attention': {
          const pe = l.posEmb;
          const nPe = pe === null ? 0 : pe.type === 'sum' ? width : (pe.channels ?? 0);
          const qk = pe !== null && pe.type === 'concat' ? width + nPe : width;
          const v = pe !== null && pe.type === 'concat' && pe.values ? width + nPe : width;
          const { heads: H, keyWidth: dk, valueWidth: dv } = l;
          linear(R, qk, H * dk); // W^Q
          if (l.scaling === 'sqrt') linear(R, qk, H * dk); // W^K (tied to W^Q under linear scaling)
          linear(R, v, H * dv); // W^V
          forward += 2 * batch.M * H * T * T * dk; // logits Q Kᵀ
          forward += 2 * batch.M * H * T * T * dv; // A V
          linear(R, H * dv, l.outWidth); // W^O
          if (pe !== null && pe.decay !== null) forward += 2 * T * T * nPe; // P = L_R Z, once per network
          width = l.outWidth;
          break;
        }
        case 'residual':
          width = walk(l.block, width, T).width;
          break;
        case 'globalAvgPool':
          T = 1;
          break;
        default:
          break;
      }
    }
    return { width, T };
  };
  const out = walk(spec.layers, batch.d, batch.T);
  return { forward, gramContraction: gram, outputGram: 2 * batch.M * out.T * batch.M * out.T * out.width };
}

/**
 * The nominal FLOPs of one network's share of a task, the same yardstick for every implementation:
 * NNGP = forward + output Gram; NTK = forward + backward (2 × forward: the usual 1:2 rule) +
 * the per-layer Gram contractions. Implementations that do more work (one backward pass per
 * output, materialised Jacobians) are credited with this count only.
 */
export function taskFlops(spec: NetworkSpec, task: Task, batch: { M: number; T: number; d: number }): number {
  const f = countFlops(spec, batch);
  return task === 'nngp' ? f.forward + f.outputGram : 3 * f.forward + f.gramContraction;
}
