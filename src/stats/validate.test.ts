import { describe, expect, it } from 'vitest';
import { checkAlpha, checkMatrix, checkNumber, checkSample } from './validate.ts';

describe('validate', () => {
  it('checkSample names the function, the argument and the offending index', () => {
    expect(() => checkSample('f', 'xs', [1, 2], 3)).toThrow('f: xs must have at least 3 finite values, got 2');
    expect(() => checkSample('f', 'xs', [1, Number.NaN, 3], 1)).toThrow('f: xs[1] must be a finite number, got NaN');
    expect(() => checkSample('f', 'xs', 'abc' as unknown as number[], 1)).toThrow('f: xs must be an array of numbers, got string');
    expect(() => checkSample('f', 'xs', [1, 2, 3], 3)).not.toThrow();
  });

  it('checkNumber reports the interval', () => {
    expect(() => checkNumber('f', 'p', 2, { min: 0, max: 1 })).toThrow('f: p must be a number in [0, 1], got 2');
    expect(() => checkNumber('f', 'k', 1.5, { min: 0, integer: true })).toThrow('f: k must be an integer in [0, Infinity], got 1.5');
    expect(() => checkNumber('f', 'x', Number.NaN)).toThrow('f: x must be a number in [-Infinity, Infinity], got NaN');
    expect(() => checkAlpha('f', 1)).toThrow('f: alpha must be a number in (0, 1), got 1');
  });

  it('checkMatrix returns the column count and rejects ragged rows', () => {
    expect(checkMatrix('f', 'm', [[1, 2], [3, 4]], 1)).toBe(2);
    expect(() => checkMatrix('f', 'm', [[1, 2], [3]], 1)).toThrow('f: m[1] must have 2 columns like m[0], got 1');
  });
});
