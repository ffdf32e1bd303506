import { describe, expect, it } from 'vitest';
import { binomialDeviance } from './binomialDeviance.ts';
import { relativeError } from './testUtils.ts';

describe('binomialDeviance', () => {
  it('equals x ln(x/m) + m − x away from x = m', () => {
    for (const [x, m] of [
      [1, 5],
      [30, 2],
      [0.5, 0.01],
    ]) {
      expect(relativeError(binomialDeviance(x, m), x * Math.log(x / m) + m - x)).toBeLessThan(1e-15);
    }
  });

  it('keeps full relative accuracy near x = m (series branch), ≈ (x − m)²/(2m)', () => {
    // D(m(1+u), m) = m[(1+u) ln(1+u) − u]; for u = 1e-6 the series (1+u)ln(1+u) − u = u²/2 − u³/6 + u⁴/12 − …
    const m = 1e6;
    const u = 1e-6;
    const expected = m * (u * u / 2 - (u * u * u) / 6 + (u * u * u * u) / 12);
    expect(relativeError(binomialDeviance(m * (1 + u), m), expected)).toBeLessThan(1e-9); // x = m(1+u) itself rounds
    expect(binomialDeviance(7, 7)).toBe(0);
    expect(binomialDeviance(0, 3)).toBe(3);
  });

  it('is continuous across the branch switch |x − m| = 0.1(x + m)', () => {
    const m = 10;
    const x = (1.1 / 0.9) * m; // x − m = 0.1 (x + m)
    const below = binomialDeviance(x * (1 - 1e-12), m);
    const above = binomialDeviance(x * (1 + 1e-12), m);
    expect(relativeError(below, above)).toBeLessThan(1e-10);
  });
});
