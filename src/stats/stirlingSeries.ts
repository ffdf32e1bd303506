/**
 * Asymptotic (Stirling) series for the remainder of ln Γ(z),
 *
 *   δ(z) = ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π]
 *        ≈ Σ_{k=1}^{8} B_{2k} / (2k (2k − 1) z^{2k−1}),
 *
 * with B_{2k} the Bernoulli numbers (Abramowitz & Stegun 1964, eq. 6.1.40).
 * The series is asymptotic, not convergent: internal helper, valid only for
 * z ≥ 10, where the first omitted term, B_18/(18·17·z^17), is below 2e-18
 * and the truncation error is therefore far below one ulp of δ(z).
 */
export function stirlingSeries(z: number): number {
  const w = 1 / (z * z);
  // B_{2k} / (2k(2k-1)) for k = 1..8: 1/12, -1/360, 1/1260, -1/1680, 1/1188, -691/360360, 1/156, -3617/122400.
  const s =
    1 / 12 +
    w * (-1 / 360 + w * (1 / 1260 + w * (-1 / 1680 + w * (1 / 1188 + w * (-691 / 360360 + w * (1 / 156 + w * (-3617 / 122400)))))));
  return s / z;
}
