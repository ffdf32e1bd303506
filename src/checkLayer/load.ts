/** Loads a layer file (src/layers/module.ts's LayerModule) for check-layer. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asLayerModule, LayerModuleError, type LayerModule } from '../layers/module.ts';

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
