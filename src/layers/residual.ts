/**
 * Residual(block): x + block(x). When the block ends in a zero-mean layer (dense or attention),
 * its output is centred and uncorrelated with x in the limit, so NNGP K + K_block and NTK
 * Θ + Θ_block (docs/kernels.md §3). Otherwise the cross terms do not vanish, and the layer refuses.
 */
import type { ResidualSpec } from '../spec/types.ts';
import { KernelError, type KernelState } from '../kernels/state.ts';
import { SpecError } from '../spec/schema.ts';
import type * as tf from '@tensorflow/tfjs';
import * as v from 'valibot';
import { renameParams, type FiniteContext, type ForwardBack, type LayerFactory, type ParamMap } from './types.ts';
import { buildStack } from './sequential.ts';
import { layerSchema, layerTypeOf, type LayerType } from './table.ts';

export const residual: LayerFactory<ResidualSpec> = (spec, site) => {
  const block = buildStack(spec.block, site, (i) => `${site.path}.block[${i}]`);
  if (block.outWidth !== site.inWidth)
    throw new SpecError(`${site.path}.block: the block changes the width from ${site.inWidth} to ${block.outWidth}; a residual block must keep it`);
  if (block.T !== site.T) throw new SpecError(`${site.path}.block: a residual block cannot pool over positions`);
  const last = block.layers[block.layers.length - 1];
  const prefix = `${site.path}.`;
  const local = (name: string) => name.slice(prefix.length);
  return {
    type: 'residual',
    path: site.path,
    inWidth: site.inWidth,
    outWidth: site.inWidth,
    sampled: block.sampled,
    // x and the block's output (its stack masks after every layer) are both zero there.
    keepsZeroRows: true,
    params: block.params.map((p) => ({ ...p, name: local(p.name) })),
    kernel(s, ctx): KernelState {
      if (!layerTypeOf(last.type)?.zeroMean)
        throw new KernelError(
          `${site.path}.block`,
          `a residual block must end in a zero-mean layer (dense, attention, or a type registered with zeroMean) for K + K_block to hold; it ends in ${last.type}`,
        );
      const b = block.kernel(s, ctx);
      const nngp = s.nngp.map((k, i) => k + b.nngp[i]);
      const ntk = s.ntk.map((t, i) => t + b.ntk[i]);
      const dist = s.dist === 'gaussian' ? 'gaussian' : 'general';
      const mean = s.mean && s.mean.some((m) => m !== 0) ? s.mean : null;
      return { ...s, nngp, ntk, dist, features: null, mean };
    },
    forward(x, p, ctx) {
      const full = renameParams(p as ParamMap, block.params.map((d) => [d.name, local(d.name)]));
      const { y } = block.forward(x, full, ctx);
      return { y: x.add(y), ctx };
    },
    ...(block.forwardBack
      ? {
          forwardBack(x: tf.Tensor4D, p: ParamMap, ctx: FiniteContext): ForwardBack {
            const full = renameParams(p, block.params.map((d) => [d.name, local(d.name)]));
            const b = block.forwardBack!(x, full, ctx);
            return {
              y: x.add(b.y),
              ctx,
              back(dy, needInput) {
                const dx = b.back(dy, needInput);
                return dx ? dy.add(dx) : null;
              },
            };
          },
        }
      : {}),
  };
};

export const residualLayer: LayerType<ResidualSpec> = {
  type: 'residual',
  factory: residual,
  schema: v.strictObject({
    type: v.literal('residual'),
    block: v.pipe(v.array(layerSchema, 'residual.block must be an array of layers'), v.minLength(1, 'residual.block must not be empty')),
  }),
  // The block keeps the width it is given: on the raw inputs as written, else as scaled.
  scale: (s, ctx) => ({ ...s, block: ctx.scaleBlock(s.block, (j) => `${ctx.path}.block[${j}]`, true) }),
  block: { of: (s) => s.block, set: (s, block) => ({ ...s, block }) },
  // x + block(x): the sum is linear; the block's own layers are judged one by one.
  linear: true,
  describe: (s, inner) => `res(${inner(s.block)})`,
};
