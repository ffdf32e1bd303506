/** The attention layer's spec schema (docs/specs.md, "Attention"): strict keys, defaults filled in. */
import * as v from 'valibot';
import { parseWith, positive, std, width } from '../../spec/schema.ts';
import type { AttentionSpec } from '../../spec/types.ts';

const decaySchema = v.nullable(
  v.variant('kind', [
    v.strictObject({ kind: v.literal('exp'), scale: positive('decay.scale') }),
    v.strictObject({ kind: v.literal('inverse'), scale: positive('decay.scale') }),
    v.strictObject({ kind: v.literal('power'), exponent: positive('decay.exponent') }),
  ]),
);

const posEmbSchema = v.pipe(
  v.strictObject({
    type: v.picklist(['sum', 'concat'], 'posEmb.type must be "sum" or "concat"'),
    std: v.optional(std('posEmb.std'), 1),
    channels: v.optional(width('posEmb.channels')),
    decay: v.optional(decaySchema, null),
    p: v.optional(positive('posEmb.p'), 1),
    values: v.optional(v.boolean('posEmb.values must be true or false'), false),
    trainable: v.optional(v.boolean('posEmb.trainable must be true or false'), true),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const pe = dataset.value;
    if (pe.type === 'sum' && pe.channels !== undefined)
      addIssue({ message: 'posEmb.channels is only allowed with type "concat" (sum uses the input width)', path: undefined });
    if (pe.type === 'concat' && pe.channels === undefined)
      addIssue({ message: 'posEmb.channels (n_pe) is required with type "concat"' });
  }),
);

export const attentionSchema: v.GenericSchema<unknown, AttentionSpec> = v.strictObject({
  type: v.literal('attention'),
  heads: width('heads'),
  keyWidth: width('keyWidth'),
  valueWidth: width('valueWidth'),
  outWidth: width('outWidth'),
  scaling: v.optional(v.picklist(['linear', 'sqrt'], 'scaling must be "linear" or "sqrt"'), 'sqrt'),
  mechanism: v.optional(
    v.picklist(['softmax', 'identity', 'relu', 'abs'], 'mechanism must be one of softmax, identity, relu, abs'),
    'softmax',
  ),
  wQStd: v.optional(std('wQStd'), 1),
  wKStd: v.optional(std('wKStd'), 1),
  wVStd: v.optional(std('wVStd'), 1),
  wOStd: v.optional(std('wOStd'), 1),
  bStd: v.optional(std('bStd'), 0),
  posEmb: v.optional(v.nullable(posEmbSchema), null),
});

/** Validates one attention layer spec on its own (defaults filled in). */
export function parseAttentionSpec(value: unknown): AttentionSpec {
  return parseWith(attentionSchema, value, 'attention layer');
}
