/**
 * Checks the PyTorch peer against our estimator on tiny networks, two ways:
 *
 *  1. Same weights: our sampler's weights for a few networks (drawParams, keyed exactly as
 *     `estimate` keys them) are handed to the peer, which computes each network's plain NNGP and
 *     its NTK by both of its methods. The ensemble means must equal ours to float32 precision, and
 *     the peer's two NTK methods must equal each other network by network. This pins the
 *     parameterisation, the forward pass, the masks and the NTK contractions.
 *  2. Own weights: each side samples its own networks (different generators); the means must agree
 *     within their standard errors. This checks the peer's sampling and our readout average.
 *
 * Runs with `npm run bench -- --check-peer` or `tsx bench/peers/check.ts`. Where python3-torch is
 * absent it says so and exits 0: nothing in `npm test` depends on it.
 */
import type * as tf from '@tensorflow/tfjs';
import { estimate } from '../../src/estimators/ensemble.ts';
import { drawParams, disposeParams } from '../../src/estimators/params.ts';
import { buildNetwork } from '../../src/network.ts';
import { initBackend } from '../../src/backend.ts';
import { attention, dense, erf, globalAvgPool, layerNorm, network, relu, residual } from '../../src/layers/builder.ts';
import { parseInputs } from '../../src/spec/schema.ts';
import type { InputsSpec, LayerSpec, NetworkSpec } from '../../src/spec/types.ts';
import { peerUnavailable, runPeerMode, type PeerOutput } from '../peer.ts';
import { normalStream } from '../../src/random/normals.ts';

interface Case {
  readonly name: string;
  readonly body: LayerSpec[];
  readonly width: number;
  readonly masked: boolean;
}

const cases: Case[] = [
  {
    name: 'tiny R1 (sqrt softmax)',
    width: 24,
    masked: false,
    body: [dense(24), attention({ heads: 3, keyWidth: 8, valueWidth: 8, outWidth: 24 }), relu(), globalAvgPool()],
  },
  {
    name: 'tiny R4 (encoder, sum embedding, masks)',
    width: 16,
    masked: true,
    body: [
      dense(16),
      ...[0, 1].flatMap((): LayerSpec[] => [
        residual(attention({ heads: 2, keyWidth: 8, valueWidth: 8, outWidth: 16, posEmb: { type: 'sum' } })),
        layerNorm(),
        residual(dense(16), relu(), dense(16)),
        layerNorm(),
      ]),
      globalAvgPool(),
    ],
  },
  {
    // Paths the reference configs do not take: tied linear attention, biases, concat embedding
    // seen by values, another activation.
    name: 'tiny variant (linear relu attention, biases, concat embedding)',
    width: 16,
    masked: true,
    body: [
      dense(16, { bStd: 0.5 }),
      attention({
        heads: 2,
        keyWidth: 6,
        valueWidth: 5,
        outWidth: 16,
        scaling: 'linear',
        mechanism: 'relu',
        bStd: 0.3,
        wQStd: 1.2,
        posEmb: { type: 'concat', channels: 4, std: 0.8, values: true },
      }),
      erf(),
      globalAvgPool(),
    ],
  },
];

const spec = (c: Case, task: 'nngp' | 'ntk'): NetworkSpec => network(...c.body, dense(task === 'nngp' ? c.width : 1, { bStd: c.masked ? 0.2 : 0 }));

function inputs(masked: boolean): InputsSpec {
  const normal = normalStream('infinite-attention/bench/check');
  const [M, T, d] = [3, 4, 6];
  const x = Array.from({ length: M }, () => Array.from({ length: T }, () => Array.from({ length: d }, normal)));
  return masked ? { inputs: x, mask: [[1, 1, 1, 1], [1, 1, 0, 0], [1, 1, 1, 0]] } : { inputs: x };
}

const flat = (a: number[][][]) => a.map((m) => m.flat());
const meanOver = (rows: number[][]) => rows[0].map((_, i) => rows.reduce((s, r) => s + r[i], 0) / rows.length);
/** max |a − b| / max |b|: float32 agreement of two kernels. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

async function paramsJson(s: NetworkSpec, batch: ReturnType<typeof parseInputs>, seed: number, n: number) {
  const stack = buildNetwork(s, batch);
  const p = drawParams(stack.params, seed, 0, n);
  const out: Record<string, { data: number[] }> = {};
  for (const [k, t] of Object.entries(p) as [string, tf.Tensor][]) out[k] = { data: Array.from(await t.data()) };
  disposeParams(p);
  return out;
}

export async function checkPeer(opts: { python?: string; exactNetworks?: number; statNetworks?: number } = {}): Promise<boolean> {
  const python = opts.python ?? '/usr/bin/python3';
  const why = peerUnavailable(python);
  if (why) {
    console.log(`peer check SKIPPED: ${why}`);
    return true;
  }
  await initBackend('wasm');
  const nExact = opts.exactNetworks ?? 4;
  const nStat = opts.statNetworks ?? 3000;
  const seed = 7;
  let ok = true;
  const say = (pass: boolean, s: string) => {
    ok &&= pass;
    console.log(`${pass ? 'ok  ' : 'FAIL'}  ${s}`);
  };
  for (const c of cases) {
    console.log(`\n${c.name}`);
    const inp = inputs(c.masked);
    const batch = parseInputs(inp);
    const specs = { nngp: spec(c, 'nngp'), ntk: spec(c, 'ntk') };

    // 1. Same weights.
    const params = { nngp: await paramsJson(specs.nngp, batch, seed, nExact), ntk: await paramsJson(specs.ntk, batch, seed, nExact) };
    const peer = await runPeerMode<{ nngp: number[][][]; ntkGram: number[][][]; ntkJacrev: number[][][] }>(python, 'verify', {
      specs,
      inputs: inp,
      params,
    });
    const oursN = await estimate(specs.nngp, batch, { networks: nExact, seed, nngp: true, ntk: false, averageReadout: false, preactivations: false, backend: 'wasm' });
    const tol = 1e-4;
    const eN = relErr(meanOver(flat(peer.nngp)), oursN.nngp!);
    say(eN < tol, `same weights, ${nExact} networks: NNGP (plain) peer vs ours, max rel. diff ${eN.toExponential(2)}`);
    // Our NTK by each of the estimator's methods: the autodiff reference and the default.
    for (const method of ['autodiff', 'contraction'] as const) {
      let theta: Float64Array;
      try {
        theta = (await estimate(specs.ntk, batch, { networks: nExact, seed, nngp: false, ntk: true, ntkMethod: method, averageReadout: false, preactivations: false, backend: 'wasm' })).ntk!;
      } catch (e) {
        say(false, `same weights: our NTK (${method}) threw: ${String((e as Error).message).split('\n')[0]}`);
        continue;
      }
      const eG = relErr(meanOver(flat(peer.ntkGram)), theta);
      const eJ = relErr(meanOver(flat(peer.ntkJacrev)), theta);
      say(eG < tol, `same weights: NTK peer gram vs ours (${method}), max rel. diff ${eG.toExponential(2)}`);
      say(eJ < tol, `same weights: NTK peer vmap(jacrev) vs ours (${method}), max rel. diff ${eJ.toExponential(2)}`);
    }
    const gj = flat(peer.ntkGram).reduce((w, g, k) => Math.max(w, relErr(g, flat(peer.ntkJacrev)[k])), 0);
    say(gj < tol, `same weights: peer gram vs peer vmap(jacrev), per network, max rel. diff ${gj.toExponential(2)}`);

    // 2. Own weights, own generators: agreement within standard errors.
    const job = { seed: 11, networks: nStat, configs: [{ name: c.name, tasks: ['nngp', 'ntk'], specs, inputs: inp }] };
    const own = await runPeerMode<PeerOutput>(python, 'bench', job, ['--means', '--no-jacrev']);
    const ours = await estimate(specs.nngp, batch, { networks: nStat, seed: 13, nngp: true, ntk: false, backend: 'wasm' });
    // The autodiff reference: this part checks the peer's sampling, not our faster NTK (part 1 does).
    const oursK = await estimate(specs.ntk, batch, { networks: nStat, seed: 13, nngp: false, ntk: true, ntkMethod: 'autodiff', backend: 'wasm' });
    for (const [task, mean, se] of [
      ['nngp', ours.nngp!, ours.nngpSE!],
      ['ntk', oursK.ntk!, oursK.ntkSE!],
    ] as const) {
      const r = own.results.find((x) => x.task === task)!;
      let zmax = 0;
      for (let i = 0; i < mean.length; i++) zmax = Math.max(zmax, Math.abs(mean[i] - r.mean![i]) / Math.hypot(se[i], r.se![i]));
      // 9 entries (6 distinct): max |z| below 4 fails by chance with probability ~4e-4.
      say(zmax < 4, `own weights, ${nStat} networks each: ${task.toUpperCase()} means agree, max |z| = ${zmax.toFixed(2)}`);
    }
  }
  console.log(ok ? '\npeer check passed' : '\npeer check FAILED');
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = (await checkPeer()) ? 0 : 1;
}
