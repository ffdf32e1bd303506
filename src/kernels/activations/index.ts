import { abs } from './abs.ts';
import { erf } from './erf.ts';
import { gelu } from './gelu.ts';
import { identity } from './identity.ts';
import { relu } from './relu.ts';
import { tanh } from './tanh.ts';
import type { ActivationMath } from './types.ts';
import type { ActivationName } from '../../spec/types.ts';

export type { ActivationMath, PairMoments } from './types.ts';
export { quadratureActivation, DEFAULT_ACTIVATION_QUADRATURE, type QuadratureActivationOptions } from './quadrature.ts';

export type { ActivationName } from '../../spec/types.ts';

export const activations: Record<ActivationName, ActivationMath> = { relu, erf, abs, identity, gelu, tanh };
