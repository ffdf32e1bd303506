/**
 * A layer module: a layer type's registry entry (table.ts: its spec type, factory with both halves,
 * schema, scaling, output positions, zero-mean and head-limit rules) plus what check-layer needs to
 * check it — the spec to check and deliberately broken variants. A layer file for `check-layer`
 * default-exports one (docs/check-layer.md):
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
 * A module whose type is a new name is registered with every property it declares while it is
 * checked; one whose `type` is a built-in name keeps the built-in's entry except for `factory`,
 * `scale` and `headLimit`, which apply at the slot under test.
 */
import type { LayerFactory } from './types.ts';
import type { LayerType, ScaleContext } from './table.ts';

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

export interface LayerModule<S extends { readonly type: string } = { readonly type: string }> extends LayerType<S> {
  /**
   * Spec type name, e.g. 'swish'. A built-in name ('dense', 'attention', …) puts this factory in
   * place of the built-in only where check-layer puts the layer under test; every other layer of
   * the composition stays the built-in.
   */
  readonly type: string;
  /** The spec checked (its `type` must equal `type`); default `{ type }`. */
  readonly sample?: S;
  /** Deliberately broken variants by name; `check-layer --variant NAME` checks one, and it must fail. */
  readonly broken?: Readonly<Record<string, BrokenVariant<S>>>;
}

const shape = `a default export { type: string, factory: LayerFactory, sample?: spec, broken?: { name: { bug, factory } }, and optionally the registry entry's schema, scale, headLimit, slowBias, curvature, biasSeries, outWidth, positions, zeroMean, linear (docs/check-layer.md)`;

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
  for (const hook of ['scale', 'headLimit', 'slowBias', 'curvature', 'biasSeries', 'positions', 'describe'] as const)
    if (m[hook] !== undefined && typeof m[hook] !== 'function') throw new LayerModuleError(`${source}: "${hook}" must be a function; expected ${shape}`);
  for (const flag of ['zeroMean', 'linear'] as const)
    if (m[flag] !== undefined && typeof m[flag] !== 'boolean') throw new LayerModuleError(`${source}: "${flag}" must be true or false; expected ${shape}`);
  for (const field of ['outWidth', 'block'] as const) {
    const f = m[field] as { of?: unknown; set?: unknown } | undefined;
    if (f !== undefined && (typeof f !== 'object' || f === null || typeof f.of !== 'function' || typeof f.set !== 'function'))
      throw new LayerModuleError(`${source}: "${field}" must be { of: (spec) => value, set: (spec, value) => spec }; expected ${shape}`);
  }
  // A valibot schema is an object with kind 'schema' (what v.strictObject returns).
  if (m.schema !== undefined && (typeof m.schema !== 'object' || m.schema === null || (m.schema as { kind?: unknown }).kind !== 'schema'))
    throw new LayerModuleError(`${source}: "schema" must be a valibot schema (v.strictObject({ type: v.literal(…), … })); expected ${shape}`);
  return m as LayerModule;
}
