/**
 * A typed builder that produces exactly the objects the JSON schema accepts, defaults filled in:
 * `network(dense(256), relu(), globalAvgPool(), dense(1))`.
 */
import { parseAttentionSpec } from './attention/schema.ts';
import { parseNetworkSpec } from './parse.ts';
import type {
  ActivationName,
  ActivationSpec,
  AttentionSpec,
  DenseSpec,
  GlobalAvgPoolSpec,
  LayerNormSpec,
  LayerSpec,
  NetworkSpec,
  PosEmbSpec,
  ResidualSpec,
} from '../spec/types.ts';

export const dense = (width: number, opts: { wStd?: number; bStd?: number } = {}): DenseSpec => ({
  type: 'dense',
  width,
  wStd: opts.wStd ?? 1,
  bStd: opts.bStd ?? 0,
});

const activation = (type: ActivationName) => (): ActivationSpec => ({ type });
export const relu = activation('relu');
export const erf = activation('erf');
export const abs = activation('abs');
export const identity = activation('identity');
export const gelu = activation('gelu');
export const tanh = activation('tanh');

export const layerNorm = (opts: { eps?: number } = {}): LayerNormSpec => ({ type: 'layerNorm', eps: opts.eps ?? 1e-6 });
export const globalAvgPool = (): GlobalAvgPoolSpec => ({ type: 'globalAvgPool' });
export const residual = (...block: LayerSpec[]): ResidualSpec => ({ type: 'residual', block });

export type AttentionOptions = Partial<Omit<AttentionSpec, 'type' | 'posEmb'>> &
  Pick<AttentionSpec, 'heads' | 'keyWidth' | 'valueWidth' | 'outWidth'> & {
    posEmb?: (Partial<PosEmbSpec> & Pick<PosEmbSpec, 'type'>) | null;
  };

/** Attention with the documented defaults (sqrt scaling, softmax, unit stds, no embedding). */
export const attention = (opts: AttentionOptions): AttentionSpec => parseAttentionSpec({ type: 'attention', ...opts });

/** Assembles and validates a network: the result is what `parseNetworkSpec` returns for the same JSON. */
export const network = (...layers: LayerSpec[]): NetworkSpec => parseNetworkSpec({ layers });
