/**
 * Minimal double-double arithmetic (an unevaluated sum hi + lo of two
 * float64, ~106-bit significand), after Dekker (1971), "A floating-point
 * technique for extending the available precision", Numerische Mathematik
 * 18:224–242, with Knuth's branch-free TwoSum (TAOCP vol. 2, §4.2.2).
 * Used only inside `incompleteBeta` for the continued fraction in the regime
 * where its argument is 1 − (a small number), where double rounding of that
 * argument and of the recurrences' near-cancellations would otherwise cost
 * up to ~6 digits.  Internal helper; no overflow handling (operands there
 * stay far below 1e150).
 */
export type DD = readonly [number, number];

const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function normalize(hi: number, lo: number): DD {
  const s = hi + lo;
  return [s, lo - (s - hi)];
}

/** Exact sum of two doubles as a double-double. */
export function ddSum(a: number, b: number): DD {
  return twoSum(a, b);
}

export function ddAdd(x: DD, y: DD): DD {
  const [s, e] = twoSum(x[0], y[0]);
  const [t, f] = twoSum(x[1], y[1]);
  const [s2, e2] = normalize(s, e + t);
  return normalize(s2, e2 + f);
}

export function ddMul(x: DD, y: DD): DD {
  const [p, e] = twoProduct(x[0], y[0]);
  return normalize(p, e + (x[0] * y[1] + x[1] * y[0]));
}

export function ddDiv(x: DD, y: DD): DD {
  const q1 = x[0] / y[0];
  const r = ddAdd(x, ddMul(y, [-q1, 0]));
  const q2 = r[0] / y[0];
  const r2 = ddAdd(r, ddMul(y, [-q2, 0]));
  const q3 = r2[0] / y[0];
  const [s, e] = normalize(q1, q2);
  return ddAdd([s, e], [q3, 0]);
}
