/**
 * The grid a `train` run covers: the spec under each requested attention scaling, with and
 * without its positional embeddings, each a training case at the same width factors (heads grow
 * with the width wherever attention is sqrt-scaled: its limit is H → ∞). Each configuration has
 * its own seed, so their ensembles are independent and can be compared by z-tests.
 */
import type { AttentionScaling, NetworkSpec } from '../spec/types.ts';
import { seed32 } from '../random/normals.ts';
import { everyLayer, mapLayers } from '../layers/walk.ts';
import type { TrainingCaseDefinition } from './case.ts';

export interface GridConfig {
  readonly name: string;
  /** The scaling every attention layer was set to, or null when the spec's own was kept. */
  readonly scaling: AttentionScaling | null;
  /** Whether the attention layers keep their positional embeddings. */
  readonly posEmb: boolean;
  readonly spec: NetworkSpec;
}


export function hasAttention(spec: NetworkSpec): boolean {
  return everyLayer(spec.layers).some((l) => l.type === 'attention');
}

export function hasPosEmb(spec: NetworkSpec): boolean {
  return everyLayer(spec.layers).some((l) => l.type === 'attention' && l.posEmb !== null);
}

/**
 * Whether any attention layer is sqrt-scaled: then a training run grows heads with the width
 * factor. Wider than the kernel's rule (src/layers/heads.ts, which asks for a non-linearity after
 * it): under sqrt scaling the logits, and so each network's empirical NTK, stay random at fixed
 * heads, and gradient descent follows the mean NTK only as the empirical one concentrates.
 */
export function trainingScalesHeads(spec: NetworkSpec): boolean {
  return everyLayer(spec.layers).some((l) => l.type === 'attention' && l.scaling === 'sqrt');
}

export function withScaling(spec: NetworkSpec, scaling: AttentionScaling): NetworkSpec {
  return { layers: mapLayers(spec.layers, (l) => (l.type === 'attention' ? { ...l, scaling } : l)) };
}

export function withoutPosEmb(spec: NetworkSpec): NetworkSpec {
  return { layers: mapLayers(spec.layers, (l) => (l.type === 'attention' ? { ...l, posEmb: null } : l)) };
}

/** Scalings × (with, without positional embeddings); one configuration when neither varies. */
export function gridConfigs(spec: NetworkSpec, opts: { readonly scalings?: readonly AttentionScaling[] | null; readonly ablatePosEmb?: boolean } = {}): GridConfig[] {
  const scalings = opts.scalings && hasAttention(spec) ? opts.scalings : [null];
  const embeddings = opts.ablatePosEmb && hasPosEmb(spec) ? [true, false] : [true];
  const out: GridConfig[] = [];
  for (const scaling of scalings)
    for (const posEmb of embeddings) {
      let s = scaling ? withScaling(spec, scaling) : spec;
      if (!posEmb) s = withoutPosEmb(s);
      const parts = [scaling ?? (hasAttention(spec) ? (trainingScalesHeads(spec) ? 'sqrt' : 'linear') : 'spec'), ...(embeddings.length > 1 ? [posEmb ? 'pos-emb' : 'no pos-emb'] : [])];
      out.push({ name: parts.join(', '), scaling, posEmb, spec: s });
    }
  return out;
}

/** The training case of one configuration. */
export function gridCase(base: Omit<TrainingCaseDefinition, 'name' | 'spec' | 'scaleHeads'>, config: GridConfig, scaleHeads?: boolean): TrainingCaseDefinition {
  return {
    ...base,
    name: config.name,
    spec: config.spec,
    scaleHeads: scaleHeads ?? trainingScalesHeads(config.spec),
    seed: seed32(`train/${base.seed}/${config.name}`),
  };
}
