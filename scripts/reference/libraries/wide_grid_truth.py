#!/usr/bin/python3
"""40-digit mpmath values of the t, F, incomplete beta and incomplete gamma functions on a grid far
wider than src/stats/reference.json (see README.md).  Usage: wide_grid_truth.py OUT.json

Inputs are the doubles given, taken exactly.  A point that mpmath's hypergeometric series cannot
evaluate within 4 s is left out (the count is printed)."""

import json
import signal
import sys

import mpmath
from mpmath import mpf

mpmath.mp.dps = 40
skipped = 0


class Slow(Exception):
    pass


def _alarm(*_):
    raise Slow()


signal.signal(signal.SIGALRM, _alarm)


def safe(fn):
    global skipped
    signal.alarm(4)
    try:
        return fn()
    except Exception:
        skipped += 1
        return None
    finally:
        signal.alarm(0)


def ibeta(a, b, x):
    return safe(lambda: mpmath.betainc(a, b, 0, x, regularized=True))


out = {"t": [], "f": [], "beta": [], "gamma": []}
for df in [0.5, 1, 2.5, 5, 10, 30, 100, 1000, 1e4, 1e5, 1e6]:
    for t in [-1000, -100, -40, -20, -10, -7, -5, -3, -2, -1, -0.3, -1e-3, 0.5, 2, 5]:
        T, D = mpf(t), mpf(df)
        lower = ibeta(D / 2, mpf(1) / 2, D / (D + T * T))
        if lower is not None:
            out["t"].append({"t": t, "df": df, "cdf": float(lower / 2 if t < 0 else 1 - lower / 2)})
for d1 in [1, 2, 5, 10, 30, 100, 1000]:
    for d2 in [1, 2, 5, 10, 30, 100, 1000]:
        for x in [1e-3, 0.01, 0.1, 0.5, 1, 2, 5, 20, 100]:
            X, A, B = mpf(x), mpf(d1), mpf(d2)
            cdf = ibeta(A / 2, B / 2, A * X / (A * X + B))
            sf = ibeta(B / 2, A / 2, B / (A * X + B))
            if cdf is not None and sf is not None:
                out["f"].append({"x": x, "d1": d1, "d2": d2, "cdf": float(cdf), "sf": float(sf)})
for a in [0.5, 2, 10, 100, 1000, 1e4]:
    for b in [0.5, 2, 10, 100, 1000, 1e4]:
        mean = a / (a + b)
        sd = (a * b / ((a + b) ** 2 * (a + b + 1))) ** 0.5
        xs = {min(max(mean + k * sd, 1e-300), 1 - 2**-40) for k in [-8, -4, -2, -1, 0, 1, 2, 4, 8]} | {0.5, 0.9, 0.99, 0.999999, 1e-3}
        for x in sorted(xs):
            A, B, X = mpf(a), mpf(b), mpf(x)
            value, complement = ibeta(A, B, X), ibeta(B, A, 1 - X)
            if value is not None and complement is not None:
                out["beta"].append({"x": x, "a": a, "b": b, "value": float(value), "complement": float(complement)})
for a in [0.5, 3, 30, 300, 1000, 2000, 1e4, 1e5]:
    for k in [-6, -3, -1, -0.2, 0, 0.2, 1, 3, 6, 12]:
        x = a + k * a**0.5
        if x > 0:
            A, X = mpf(a), mpf(x)
            p = mpmath.gammainc(A, 0, X, regularized=True)
            q = mpmath.gammainc(A, X, mpmath.inf, regularized=True)
            out["gamma"].append({"a": a, "x": x, "p": float(p), "q": float(q)})
json.dump(out, open(sys.argv[1], "w"))
print({k: len(v) for k, v in out.items()}, "points;", skipped, "left out")
