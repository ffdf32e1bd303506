/**
 * Backend selection. Order: tfjs-node-gpu, webgpu (only on a hardware GPU), tfjs-node, WASM (the
 * default), the pure-JS cpu backend. tfjs-node(-gpu) are installed by the user (they download
 * libtensorflow at install time); webgpu comes from two optional dependencies,
 * `@tensorflow/tfjs-backend-webgpu` and `webgpu` (Dawn's dawn.node). Every result names the backend
 * that ran.
 */
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export type BackendChoice = 'auto' | 'tfjs-node-gpu' | 'webgpu' | 'tfjs-node' | 'wasm' | 'cpu';
export const backendChoices: readonly BackendChoice[] = ['auto', 'tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'];

type Concrete = Exclude<BackendChoice, 'auto'>;
const autoOrder: readonly Concrete[] = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'];

/** A backend that was asked for by name could not start; the message says why, in one line. */
export class BackendError extends Error {
  override name = 'BackendError';
}

let active: string | null = null;
/** Why the last attempt at a backend failed, for the error of a forced choice. */
const failures = new Map<Concrete, string>();

async function tryImport(pkg: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ pkg);
    return true;
  } catch {
    return false;
  }
}

const firstLine = (e: unknown) => String(e instanceof Error ? e.message : e).split('\n')[0].trim();

// ---------------------------------------------------------------------------------------------
// WebGPU

/** What the adapter says about itself (GPUAdapterInfo plus isFallbackAdapter). */
export interface GpuAdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly fallback: boolean;
}

/**
 * A CPU rasteriser posing as a GPU (Mesa lavapipe/llvmpipe, SwiftShader): correct, but ~20× slower
 * than WASM for our kernels, so auto-detection passes over it.
 */
export function isSoftwareAdapter(a: GpuAdapterSummary): boolean {
  return (
    a.fallback ||
    a.architecture === 'software' ||
    /llvmpipe|lavapipe|softpipe|swiftshader/i.test(`${a.vendor} ${a.device} ${a.description}`)
  );
}

const require = createRequire(import.meta.url);

function resolveOptional(pkg: string): string | null {
  try {
    return require.resolve(pkg);
  } catch {
    return null;
  }
}

/**
 * On Linux a hardware Vulkan driver needs a device node: a DRM render node (Mesa's drivers), the
 * NVIDIA nodes, or WSL2's /dev/dxg. Without one, auto-detection does not load Dawn at all, so
 * machines without a GPU (CI) pay nothing and see nothing.
 */
function mayHaveGpu(): boolean {
  if (process.platform !== 'linux') return true;
  if (existsSync('/dev/nvidiactl') || existsSync('/dev/dxg')) return true;
  try {
    return readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
}

/** Runs in a child process: Dawn prints its Vulkan diagnostics straight to fd 2, and a broken driver can crash the process. */
const probeSource = `
const { create, globals } = await import(process.argv[1]);
Object.assign(globalThis, globals);
const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const i = a && a.info;
process.stdout.write(JSON.stringify(a && {
  vendor: i.vendor ?? '', architecture: i.architecture ?? '', device: i.device ?? '',
  description: i.description ?? '', fallback: Boolean(a.isFallbackAdapter ?? i.isFallbackAdapter),
}));
process.exit(0);
`;

/** The adapter Dawn would hand tfjs, asked for in a child process; null if there is none. */
export async function probeWebgpuAdapter(timeoutMs = 30_000, env: NodeJS.ProcessEnv = process.env): Promise<GpuAdapterSummary | null> {
  const dawn = resolveOptional('webgpu');
  if (!dawn) throw new Error('the optional package "webgpu" is not installed');
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', probeSource, pathToFileURL(dawn).href],
      { timeout: timeoutMs, maxBuffer: 1 << 20, env },
      (err, out, errOut) => {
        if (err) {
          const why = err.killed ? `timed out after ${timeoutMs / 1000} s` : (errOut.split('\n').find((l) => /error/i.test(l)) ?? firstLine(err));
          reject(new Error(`Dawn's adapter probe failed: ${why.trim()}`));
        } else resolve(out);
      },
    );
  });
  return JSON.parse(stdout) as GpuAdapterSummary | null;
}

interface DawnModule {
  create(flags: string[]): { requestAdapter(): Promise<object | null> };
  globals: object;
}

let webgpuLoaded = false;

/**
 * Puts Dawn's navigator.gpu in place, then registers tfjs's webgpu backend (it looks for
 * navigator.gpu as it loads). Throws where there is no adapter, before tfjs would log a stack trace.
 */
async function loadWebgpu(): Promise<void> {
  if (webgpuLoaded) return;
  for (const pkg of ['webgpu', '@tensorflow/tfjs-backend-webgpu'])
    if (!resolveOptional(pkg)) throw new Error(`the optional package "${pkg}" is not installed (npm install --include=optional)`);
  const dawn = (await import(/* @vite-ignore */ 'webgpu')) as DawnModule;
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  if (!(await gpu.requestAdapter()))
    throw new Error('Dawn found no WebGPU adapter (no Vulkan driver? see docs/cli.md, "GPU (WebGPU)")');
  const g = globalThis as { navigator?: object };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else g.navigator = { gpu };
  await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-webgpu');
  webgpuLoaded = true;
}

/** Under auto: says nothing where no GPU is expected, one line where one seems present but webgpu fails. */
async function activateWebgpu(forced: boolean): Promise<boolean> {
  if (!forced) {
    if (!resolveOptional('webgpu') || !resolveOptional('@tensorflow/tfjs-backend-webgpu') || !mayHaveGpu()) return false;
    let adapter: GpuAdapterSummary | null;
    try {
      adapter = await probeWebgpuAdapter();
    } catch (e) {
      process.stderr.write(`infinite-attention: webgpu unavailable (${firstLine(e)}); using the next backend\n`);
      return false;
    }
    if (!adapter || isSoftwareAdapter(adapter)) return false;
  }
  try {
    await loadWebgpu();
  } catch (e) {
    failures.set('webgpu', firstLine(e));
    if (!forced) process.stderr.write(`infinite-attention: webgpu unavailable (${firstLine(e)}); using the next backend\n`);
    return false;
  }
  // tfjs logs an init failure itself (console.warn) and resolves false.
  const ok = await tf.setBackend('webgpu');
  if (!ok) failures.set('webgpu', 'tfjs could not initialise its webgpu backend (its warning above says why)');
  return ok;
}

// ---------------------------------------------------------------------------------------------

async function activate(name: Concrete, forced: boolean): Promise<boolean> {
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node':
      if (!(await tryImport(`@tensorflow/${name}`))) return false;
      return tf.setBackend('tensorflow');
    case 'webgpu':
      return activateWebgpu(forced);
    case 'wasm':
      if (!(await tryImport('@tensorflow/tfjs-backend-wasm'))) return false;
      return tf.setBackend('wasm');
    case 'cpu':
      return tf.setBackend('cpu');
  }
}

function unavailable(choice: Concrete): string {
  if (choice.startsWith('tfjs-node')) return `install @tensorflow/${choice} (it downloads libtensorflow at install time)`;
  return failures.get(choice) ?? 'it failed to initialise';
}

/** The initialisation in flight: callers that arrive meanwhile wait for it instead of switching backends under it. */
let pending: Promise<unknown> = Promise.resolve();

/** Initialises tfjs once per process and returns the name of the backend that runs. */
export function initBackend(choice: BackendChoice = 'auto'): Promise<string> {
  const next = pending.then(() => initOnce(choice));
  pending = next.catch(() => undefined);
  return next;
}

async function initOnce(choice: BackendChoice): Promise<string> {
  if (active && (choice === 'auto' || choice === active)) return active;
  // Production mode silences tfjs's "install tfjs-node" banner and its debug-time checks; numerics are
  // unchanged. (IS_TEST, the other way to silence it, turns on per-kernel leak checks.)
  tf.enableProdMode();
  const order = choice === 'auto' ? autoOrder : [choice];
  for (const name of order) {
    if (await activate(name, choice !== 'auto')) {
      await tf.ready();
      active = name;
      return name;
    }
  }
  throw new BackendError(choice === 'auto' ? 'no tfjs backend could be initialised' : `backend ${choice} is not available: ${unavailable(choice)}`);
}

export function activeBackend(): string {
  if (!active) throw new Error('initBackend() has not run');
  return active;
}
