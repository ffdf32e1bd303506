/**
 * A layer module: everything about one layer that the rest of the package reads by its type name —
 * its spec type, its factory (both halves, the layer contract of types.ts), the spec to check, how
 * that spec scales with width and heads, and whether its output is Gaussian only as its heads grow.
 * A layer file for `check-layer` default-exports one (docs/check-layer.md):
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
 * The per-layer properties (`scale`, `headLimit`) are the hooks a registry entry per layer type
 * would hold for the built-ins too; the built-ins' rules live in src/spec/scale.ts and
 * src/spec/heads.ts, and a module whose `type` is a built-in name gets those unless it declares its own.
 */
import type { LayerFactory } from './types.ts';
import type { ScaleContext } from '../spec/scale.ts';

/** A layer file that cannot be loaded or does not have the expected shape (a usage error). */
export class LayerModuleError extends Error {
  override name = 'LayerModuleError';
}

/** A deliberately broken version of the module: its factory, and its hooks where the bug is in one. */
export interface BrokenVariant<S> {
  /** The bug, in one line. */
  readonly bug: string;
  readonly factory: LayerFactory<S>;
  /** In place of the module's `scale` (a variant that declares the wrong scaling). */
  readonly scale?: (spec: S, ctx: ScaleContext) => S;
  /** In place of the module's `headLimit`. */
  readonly headLimit?: (spec: S) => boolean;
}

export interface LayerModule<S extends { readonly type: string } = { readonly type: string }> {
  /**
   * Spec type name, e.g. 'swish'. A built-in name ('dense', 'attention', …) puts this factory in
   * place of the built-in only where check-layer puts the layer under test; every other layer of
   * the composition stays the built-in.
   */
  readonly type: string;
  readonly factory: LayerFactory<S>;
  /** The spec checked (its `type` must equal `type`); default `{ type }`. */
  readonly sample?: S;
  /** Deliberately broken variants by name; `check-layer --variant NAME` checks one, and it must fail. */
  readonly broken?: Readonly<Record<string, BrokenVariant<S>>>;
  /**
   * How the spec scales with the width and head factors of a convergence run (src/spec/scale.ts):
   * multiply the widths of the spec's own by `ctx.width`, and the heads by `ctx.heads` if the layer
   * has heads whose limit its kernel is. Without it a built-in name scales by the built-in's rule
   * and any other type keeps its spec as written (hidden widths derived from `site.inWidth` still
   * grow with the layer before it).
   */
  readonly scale?: (spec: S, ctx: ScaleContext) => S;
  /**
   * Whether the layer's output is Gaussian only as its heads grow (sqrt attention, docs/kernels.md
   * §6): then a non-linearity after it sees the H → ∞ kernel, and a convergence run grows its heads
   * with the width (`ctx.heads` in `scale`). Default: the built-in rule for a built-in name, else false.
   */
  readonly headLimit?: (spec: S) => boolean;
}

const shape = `a default export { type: string, factory: LayerFactory, sample?: spec, broken?: { name: { bug, factory } }, scale?: (spec, ctx) => spec, headLimit?: (spec) => boolean } (docs/check-layer.md)`;

/** The module's shape, checked before anything runs; throws LayerModuleError saying what the file should export. */
export function asLayerModule(value: unknown, source: string): LayerModule {
  const m = value as Partial<LayerModule> | null;
  if (!m || typeof m !== 'object') throw new LayerModuleError(`${source}: no default export; expected ${shape}`);
  if (typeof m.type !== 'string' || !/^[A-Za-z][\w-]*$/.test(m.type)) throw new LayerModuleError(`${source}: "type" must be a name like "swish", got ${JSON.stringify(m.type)}; expected ${shape}`);
  if (typeof m.factory !== 'function') throw new LayerModuleError(`${source}: "factory" must be a LayerFactory function (spec, site) => Layer; expected ${shape}`);
  if (m.sample !== undefined && (typeof m.sample !== 'object' || m.sample === null || Array.isArray(m.sample) || m.sample.type !== m.type))
    throw new LayerModuleError(`${source}: "sample" must be a spec object whose "type" is ${JSON.stringify(m.type)}, got ${JSON.stringify(m.sample)}`);
  if (m.broken !== undefined && (typeof m.broken !== 'object' || m.broken === null)) throw new LayerModuleError(`${source}: "broken" must be an object { name: { bug, factory } }`);
  for (const [name, v] of Object.entries(m.broken ?? {}))
    if (!v || typeof v.factory !== 'function' || typeof v.bug !== 'string' || (v.scale !== undefined && typeof v.scale !== 'function') || (v.headLimit !== undefined && typeof v.headLimit !== 'function'))
      throw new LayerModuleError(`${source}: broken.${name} must be { bug: string, factory: LayerFactory, scale?: function, headLimit?: function }`);
  for (const hook of ['scale', 'headLimit'] as const)
    if (m[hook] !== undefined && typeof m[hook] !== 'function') throw new LayerModuleError(`${source}: "${hook}" must be a function; expected ${shape}`);
  return m as LayerModule;
}
