/**
 * The webgpu backend against WASM. Needs a Vulkan device: a real GPU, or Mesa's lavapipe on CPU
 * (docs/cli.md, "GPU (WebGPU)"); elsewhere the comparison is skipped with the reason.
 *
 * Tolerance. Both backends run every op in float32 (unit roundoff u = 2^-24 ≈ 6e-8), on the same
 * weights (drawn in JS, uploaded as the same bits) and the same inputs, so they differ only by
 * rounding: summation order in matMul, reductions and softmax (GPU tiles vs XNNPACK), FMA
 * contraction, and the GPU's own exp/tanh/erf approximations (WGSL allows a few ULP). A dot product
 * of length K reordered moves by at most ~K·u relative to the sum of |terms|; the longest sums here
 * are the NTK Grams (K = positions × parameters of a tensor, a few hundred), and a few layers chain
 * them, so the worst case is ~1e-5 relative. Measured on lavapipe over the specs below: kernels
 * ≤ 2.5e-6 relative on the entry most affected by cancellation and ≤ 4e-7 of the diagonal scale;
 * single network outputs ≤ 5e-6 relative. Hence 1e-4 relative to the entry, with a floor of
 * 1e-4 × 1e-3 × scale (largest diagonal entry, or largest |output|) for entries near zero by
 * cancellation: 20× above what was seen, and far below any real fault (a wrong op or gradient
 * moves entries by O(1)).
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isSoftwareAdapter, probeWebgpuAdapter, type GpuAdapterSummary } from './backend.ts';
import { estimate } from './estimators/ensemble.ts';
import { abs, attention, dense, erf, gelu, globalAvgPool, layerNorm, network, relu, residual, tanh } from './layers/builder.ts';
import { parseInputs } from './spec/schema.ts';
import type { NetworkSpec } from './spec/types.ts';

const rtol = 1e-4;
const floor = 1e-3;

let adapter: GpuAdapterSummary | null = null;
let why = '';
try {
  adapter = await probeWebgpuAdapter();
  if (!adapter) why = 'Dawn found no Vulkan device';
} catch (e) {
  why = e instanceof Error ? e.message : String(e);
}
const installed = ['webgpu', '@tensorflow/tfjs-backend-webgpu'].every((pkg) => {
  try {
    return Boolean(createRequire(import.meta.url).resolve(pkg));
  } catch {
    return false;
  }
});
const skipNote = `no WebGPU adapter (${why}); install Mesa lavapipe as in docs/cli.md, "GPU (WebGPU)", to run it on CPU`;

// Two sequences of four positions, the second half padded, so masks reach every layer.
const batch = parseInputs({
  inputs: [
    [[0.53, 1.27, 0.59], [0.82, -1.9, 1.29], [-2.01, 1.06, -0.58], [0.26, 0.6, 1.83]],
    [[-1.16, 1.54, -0.43], [0.67, -0.98, -0.53], [-0.36, 0.61, -1.22], [0.83, -2.7, -0.08]],
  ],
  mask: [[1, 1, 1, 1], [1, 1, 0, 0]],
});

/** Together these use every op of every layer, forward and backward. */
const specs: Record<string, NetworkSpec> = {
  'dense and relu, plain readout': network(dense(16, { bStd: 0.3 }), relu(), dense(3, { wStd: 1.2, bStd: 0.1 })),
  'erf, gelu, tanh, abs, residual, layerNorm, pooling': network(
    dense(12, { bStd: 0.2 }), erf(), dense(12), gelu(), dense(12), tanh(),
    residual(dense(12), abs(), dense(12, { bStd: 0.1 })), layerNorm(), dense(12), abs(), globalAvgPool(), dense(2),
  ),
  'softmax attention, concatenated decaying embedding': network(
    dense(8),
    attention({ heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 8, bStd: 0.1, posEmb: { type: 'concat', channels: 3, decay: { kind: 'exp', scale: 0.5 }, values: true } }),
    relu(), globalAvgPool(), dense(2),
  ),
  'identity, relu and abs attention, linear scaling, fixed summed embedding': network(
    dense(8),
    attention({ heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 8, scaling: 'linear', mechanism: 'identity', posEmb: { type: 'sum', trainable: false } }),
    attention({ heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 8, mechanism: 'relu' }),
    attention({ heads: 1, keyWidth: 4, valueWidth: 4, outWidth: 8, mechanism: 'abs' }),
    dense(2),
  ),
};

/** Same numbers to float32 precision, and exact zeros (padded positions) in the same places. */
function expectSame(gpu: Float64Array, ref: Float64Array, scale: number): void {
  expect(gpu.length).toBe(ref.length);
  const bad: string[] = [];
  ref.forEach((r, i) => {
    if ((r === 0) !== (gpu[i] === 0)) bad.push(`[${i}] zero pattern differs: ${gpu[i]} vs ${r}`);
    else if (Math.abs(gpu[i] - r) > rtol * (Math.abs(r) + floor * scale)) bad.push(`[${i}] ${gpu[i]} vs ${r}`);
  });
  expect(bad).toEqual([]);
}

/** A kernel's scale is its largest diagonal entry. */
function expectSameKernel(gpu: Float64Array, ref: Float64Array): void {
  const P = Math.round(Math.sqrt(ref.length));
  let scale = 0;
  for (let i = 0; i < P; i++) scale = Math.max(scale, Math.abs(ref[i * P + i]));
  expectSame(gpu, ref, scale);
}

describe('software adapters', () => {
  it('passes over lavapipe, llvmpipe and SwiftShader, not a hardware GPU', () => {
    const a = (o: Partial<GpuAdapterSummary>): GpuAdapterSummary => ({ vendor: '', architecture: '', device: '', description: '', fallback: false, ...o });
    // What Dawn reports for Mesa 25's lavapipe.
    expect(isSoftwareAdapter(a({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)', fallback: true }))).toBe(true);
    expect(isSoftwareAdapter(a({ description: 'SwiftShader Device (Subzero)' }))).toBe(true);
    expect(isSoftwareAdapter(a({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3' }))).toBe(false);
  });

  it('the probe classifies this machine\'s adapter', (ctx) => {
    ctx.skip(!adapter, skipNote);
    const sw = isSoftwareAdapter(adapter!);
    if (/llvmpipe|lavapipe/i.test(adapter!.description)) expect(sw).toBe(true);
    console.info(`webgpu adapter: ${adapter!.description} (${sw ? 'software: auto-detection skips it' : 'hardware'})`);
  });
});

describe.skipIf(!installed || process.platform !== 'linux')('without a Vulkan driver (Linux, optional packages installed)', () => {
  // An ICD list that names a missing file hides every driver from the Vulkan loader.
  const noDriver = { ...process.env, VK_DRIVER_FILES: '/nonexistent/icd.json', VK_ICD_FILENAMES: '/nonexistent/icd.json' };

  it('the probe reports no adapter instead of failing', async () => {
    expect(await probeWebgpuAdapter(30_000, noDriver)).toBeNull();
  });

  it('forcing webgpu fails with a clear error, and auto falls back silently', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const script = `
      import { initBackend } from './src/backend.ts';
      console.log('auto:', await initBackend('auto'));
      await initBackend('webgpu').then((b) => console.log('forced:', b), (e) => console.log('forced error:', e.name, e.message));
    `;
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env: noDriver, timeout: 60_000 }, (err, stdout, stderr) =>
        err ? reject(err) : resolve({ stdout, stderr }),
      ),
    );
    expect(stdout).toMatch(/^auto: wasm$/m);
    expect(stdout).toMatch(/^forced error: BackendError backend webgpu is not available: Dawn found no WebGPU adapter/m);
    expect(stderr).not.toMatch(/infinite-attention: webgpu unavailable/);
  });
});

describe('webgpu against wasm, same seed', () => {
  for (const [name, spec] of Object.entries(specs))
    for (const ntkMethod of ['contraction', 'autodiff'] as const) {
      it(`${name}; NTK by ${ntkMethod}`, async (ctx) => {
        ctx.skip(!adapter, skipNote);
        // Same weights on both: pre-activation sampling reads back synchronously and runs on CPU-side backends only.
        const opts = { networks: 6, seed: 20240611, chunk: 3, ntkMethod, collectOutputs: true, preactivations: false };
        const gpu = await estimate(spec, batch, { ...opts, backend: 'webgpu' });
        const ref = await estimate(spec, batch, { ...opts, backend: 'wasm' });
        expect(gpu.backend).toBe('webgpu');
        expect(ref.backend).toBe('wasm');
        expectSameKernel(gpu.nngp!, ref.nngp!);
        expectSameKernel(gpu.ntk!, ref.ntk!);
        expectSame(gpu.outputs!, ref.outputs!, Math.max(...ref.outputs!.map(Math.abs)));
      });
    }
});
