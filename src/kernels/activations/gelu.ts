/**
 * Exact GELU (Hendrycks & Gimpel 2016): φ(x) = x Φ(x), φ'(x) = Φ(x) + x N(x),
 * Φ / N the standard normal cdf / density. Kernel moments by quadrature
 * (quadrature.ts, split/polar rule of order 128). The mean has a closed form
 * used by the tests: E[u Φ(u)] = k E[N(u)] = k/√(2π(1 + k)) (Stein's lemma).
 */
import { normalCdf } from '../../stats/normalCdf.ts';
import { normalPdf } from '../../stats/normalPdf.ts';
import { quadratureActivation } from './quadrature.ts';

export const gelu = quadratureActivation(
  'gelu',
  (x) => x * normalCdf(x),
  (x) => normalCdf(x) + x * normalPdf(x),
  {
    // φ and φ′ share Φ(x): one erfc per node instead of two (≈1.7x faster pair()).
    phiDphi(x, out) {
      const cdf = normalCdf(x);
      out[0] = x * cdf;
      out[1] = cdf + x * normalPdf(x);
    },
  },
);
