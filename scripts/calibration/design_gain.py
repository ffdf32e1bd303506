"""How much variance of the extrapolated kernel K∞ a better split of networks over the width
factors would save at equal CPU time (issue 12 §3, "Design"), measured on the per-network kernels
that `npm run calibrate` stores.

For each stored run and kernel, per valid entry i and width factor f: the per-network variance
s²_fi of that run's ensemble. The verdict fits K(w) = K∞ + a/w by weighted least squares, so with
n_f networks at factor f the variance of K∞_i is the intercept element of (XᵀWX)⁻¹,
W = diag(n_f / s²_fi), X = [1, 1/f]. A design is the share of the CPU budget given to each factor;
a network at factor f costs f^gamma (gamma = 1: cost linear in width; 0: width-independent
overhead; 2: quadratic, the per-layer products). The objective is the sum over entries of
Var(K∞_i)/K_i², against the equal split of networks the suites use; the best design is found on a
grid of shares, each factor at least `min_share` of the networks (0 lets a factor go empty; the
middle factor is what tests the 1/width model, so the suites need it).

  python3 scripts/calibration/design_gain.py STORE [gamma ...] [--min-share 0.2] [--runs 60]

Prints, per family, architecture and kernel: the median and 10th percentile of the gain
(equal-split variance ÷ best-design variance at the same cost) and the best design's mean split
of networks.
"""
import argparse
import collections
import itertools
import json
import os

import numpy as np


def intercept_variance(s2, n, x):
    w = n / s2
    s0, s1, s2w = w.sum(0), (w * x).sum(0), (w * x * x).sum(0)
    return s2w / (s0 * s2w - s1 * s1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('store')
    ap.add_argument('gamma', nargs='*', type=float, default=[1.0])
    ap.add_argument('--min-share', type=float, default=0.0)
    ap.add_argument('--runs', type=int, default=60)
    a = ap.parse_args()
    runs = [json.loads(l) for l in open(os.path.join(a.store, 'runs.jsonl'))]
    by = collections.defaultdict(list)
    for r in runs:
        if r['family'] != 'detection':
            by[(r['family'], r['arch'])].append(r)
    grid = np.linspace(0.02, 0.96, 48)
    for gamma in a.gamma:
        print(f'\ncost per network ∝ width^{gamma}, every factor ≥ {a.min_share:.0%} of the networks')
        print('| family | architecture | kernel | gain: median | gain: 10th percentile | best split of networks |')
        print('| --- | --- | --- | --- | --- | --- |')
        for (fam, arch), rs in sorted(by.items()):
            for kind, name in ((0, 'NNGP'), (1, 'NTK')):
                gains, splits = [], []
                for r in rs[: a.runs]:
                    P, F, N = r['P'], len(r['scales']), r['networks']
                    raw = np.fromfile(os.path.join(a.store, r['raw']), dtype=np.float32)
                    k = raw.reshape(2, F, N, P * P)[kind].astype(np.float64)
                    mask = np.array(r['mask'], float)
                    keep = (np.triu(np.ones((P, P), bool)) & (np.outer(mask, mask) > 0)).reshape(-1)
                    K = np.array(r['analytic']['nngp' if kind == 0 else 'ntk'])[keep]
                    s2 = k[:, :, keep].var(axis=1, ddof=1)
                    ok = (np.abs(K) > 1e-6) & (s2.min(0) > 0)
                    s2, K = s2[:, ok], K[ok]
                    scales = np.array(r['scales'], float)
                    x, cost = (1 / scales)[:, None], scales ** gamma

                    def objective(n):
                        return np.sum(intercept_variance(s2, n[:, None], x) / K ** 2)

                    equal = np.full(F, 1.0 / cost.sum())
                    best, best_n = objective(equal), equal
                    for shares in itertools.product(grid, repeat=F - 1):
                        if sum(shares) >= 0.99:
                            continue
                        n = np.array(list(shares) + [1 - sum(shares)]) / cost
                        if (n / n.sum()).min() < a.min_share:
                            continue
                        v = objective(n)
                        if v < best:
                            best, best_n = v, n
                    gains.append(objective(equal) / best)
                    splits.append(best_n / best_n.sum())
                g = np.array(gains)
                split = ' : '.join(f'{s:.2f}' for s in np.mean(splits, axis=0))
                print(f'| `{fam}` | `{arch}` | {name} | {np.median(g):.2f} | {np.percentile(g, 10):.2f} | {split} (factors {", ".join(str(s) for s in rs[0]["scales"])}) |')


if __name__ == '__main__':
    main()
