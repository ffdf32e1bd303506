/**
 * What a layer file for `check-layer` default-exports (README, "Adding a layer"):
 *
 * ```ts
 * export default {
 *   type: 'swish',                       // the spec type the layer registers under
 *   factory: swish,                      // LayerFactory<SwishSpec>: both halves from one spec
 *   sample: { type: 'swish', beta: 1 },  // optional: the spec to check (default { type })
 *   broken: { 'no-mean': { bug: '…', factory: swishNoMean } },  // optional: variants that must fail
 * } satisfies LayerModule<SwishSpec>;
 * ```
 *
 * The factory is the same interface the built-in layers implement (src/layers/types.ts), and it is
 * registered the same way (src/layers/registry.ts), so the layer runs through the same kernel
 * driver, sampler and verdicts as every built-in one.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LayerFactory } from '../../layers/types.ts';

/** A layer file that cannot be loaded or does not have the expected shape (a usage error). */
export class LayerModuleError extends Error {}

export interface BrokenVariant<S> {
  /** The bug, in one line. */
  readonly bug: string;
  readonly factory: LayerFactory<S>;
}

export interface LayerModule<S extends { readonly type: string } = { readonly type: string }> {
  /** Spec type name, e.g. 'swish'. A built-in name replaces the built-in for the check. */
  readonly type: string;
  readonly factory: LayerFactory<S>;
  /** The spec checked (its `type` must equal `type`); default `{ type }`. */
  readonly sample?: S;
  /** Deliberately broken variants by name; `check-layer --variant NAME` checks one, and it must fail. */
  readonly broken?: Readonly<Record<string, BrokenVariant<S>>>;
}

/** Throws with a message that says what the file should export. */
export function asLayerModule(value: unknown, source: string): LayerModule {
  const shape = `a default export { type: string, factory: LayerFactory, sample?: spec, broken?: { name: { bug, factory } } } (README, "Adding a layer")`;
  const m = value as Partial<LayerModule> | null;
  if (!m || typeof m !== 'object') throw new LayerModuleError(`${source}: no default export; expected ${shape}`);
  if (typeof m.type !== 'string' || !/^[A-Za-z][\w-]*$/.test(m.type)) throw new LayerModuleError(`${source}: "type" must be a name like "swish", got ${JSON.stringify(m.type)}; expected ${shape}`);
  if (typeof m.factory !== 'function') throw new LayerModuleError(`${source}: "factory" must be a LayerFactory function (spec, site) => Layer; expected ${shape}`);
  if (m.sample !== undefined && (typeof m.sample !== 'object' || m.sample === null || m.sample.type !== m.type))
    throw new LayerModuleError(`${source}: "sample" must be a spec object whose "type" is ${JSON.stringify(m.type)}`);
  for (const [name, v] of Object.entries(m.broken ?? {}))
    if (!v || typeof v.factory !== 'function' || typeof v.bug !== 'string') throw new LayerModuleError(`${source}: broken.${name} must be { bug: string, factory: LayerFactory }`);
  return m as LayerModule;
}

/**
 * From the TypeScript sources the CLI already runs under tsx (bin/) or vitest, which load a layer
 * file written in TypeScript. The compiled package registers tsx's loader hooks itself, once, and
 * one more resolve hook in front of them: a user's .ts file (outside node_modules) loads as an ES
 * module whatever its package.json's "type". In a default ("commonjs") project tsx would otherwise
 * compile it to CommonJS, whose `require('infinite-attention')` cannot load this ESM-only package.
 * Plain `register()` rather than tsx's scoped `tsImport`: a scoped import tags every module it loads,
 * 'infinite-attention' included, so the layer file would get a second copy of the package whose
 * layer registry the CLI never sees.
 */
const forceEsmHook = `
export async function resolve(specifier, context, nextResolve) {
  const r = await nextResolve(specifier, context);
  if (r.url.startsWith('file:') && /\.tsx?$/.test(new URL(r.url).pathname) && !r.url.includes('/node_modules/')) return { ...r, format: 'module' };
  return r;
}`;
let typeScriptHooks: Promise<void> | null = null;

function registerTypeScriptHooks(): Promise<void> {
  typeScriptHooks ??= (async () => {
    if (import.meta.url.endsWith('.ts')) return;
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    // Hooks registered later run first: this one sees what tsx resolved and sets the format.
    const { register } = await import('node:module');
    register(`data:text/javascript,${encodeURIComponent(forceEsmHook)}`);
  })();
  return typeScriptHooks;
}

/** Loads a layer file (.ts, .mts, .js, .mjs) with a dynamic import, as an ES module. */
export async function loadLayerModule(path: string): Promise<LayerModule> {
  const url = pathToFileURL(resolve(path)).href;
  let mod: { default?: unknown };
  try {
    await registerTypeScriptHooks();
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    throw new LayerModuleError(`cannot load ${path}: ${(e as Error).message}`);
  }
  return asLayerModule(mod.default, path);
}
