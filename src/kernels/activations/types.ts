/**
 * The Gaussian-process view of an elementwise activation φ: for a centred
 * Gaussian pre-activation with 2x2 covariance [[k11, k12], [k12, k22]],
 *     NNGP' = E[φ(u)φ(v)],   NTK' = Θ · E[φ'(u)φ'(v)],
 * and m = E[φ(u)] (u ~ N(0, k11)) centres LayerNorm after the non-linearity.
 * All values are float64.
 */
export interface PairMoments {
  readonly phiPhi: number;
  readonly dphiDphi: number;
  /** Quadrature error estimate of phiPhi; 0 for closed forms. */
  readonly phiPhiError: number;
  /** Quadrature error estimate of dphiDphi; 0 for closed forms. */
  readonly dphiDphiError: number;
}

export interface ActivationMath {
  readonly name: string; // e.g. 'relu'
  readonly closedForm: boolean; // false: computed by quadrature
  phi(x: number): number; // float64 scalar
  dphi(x: number): number; // derivative (a.e.)
  /** E[φ(u)φ(v)], E[φ'(u)φ'(v)], for (u,v) centred Gaussian; errors are 0 for closed forms */
  pair(k11: number, k12: number, k22: number): { phiPhi: number; dphiDphi: number; phiPhiError: number; dphiDphiError: number };
  /** E[φ(u)], u ~ N(0, k) */
  mean(k: number): { value: number; error: number };
}
