/**
 * Argument checks shared by the statistics functions (internal; not
 * re-exported from index.ts).  Every message starts with the public
 * function's name and names the offending argument, so that a failure deep
 * inside a validation suite points at the call that caused it.
 */

/** Throws unless `x` is an array of at least `minLength` finite numbers. */
export function checkSample(fn: string, name: string, x: readonly number[], minLength: number): void {
  if (!Array.isArray(x)) {
    throw new TypeError(`${fn}: ${name} must be an array of numbers, got ${typeof x}`);
  }
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${fn}: ${name}[${i}] must be a finite number, got ${String(v)}`);
    }
  }
  if (x.length < minLength) {
    throw new RangeError(`${fn}: ${name} must have at least ${minLength} finite value${minLength === 1 ? '' : 's'}, got ${x.length}`);
  }
}

/** Throws unless `x` is a non-NaN number within the given bounds. */
export function checkNumber(
  fn: string,
  name: string,
  x: number,
  bounds?: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean },
): void {
  // Unbounded checks guard Φ and erf inside quadrature loops: keep them to one comparison.
  if (bounds === undefined && typeof x === 'number' && !Number.isNaN(x)) return;
  const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false, integer = false } = bounds ?? {};
  const below = minExclusive ? !(x > min) : !(x >= min);
  const above = maxExclusive ? !(x < max) : !(x <= max);
  if (typeof x !== 'number' || Number.isNaN(x) || below || above || (integer && !Number.isInteger(x))) {
    const lo = `${minExclusive ? '(' : '['}${min}`;
    const hi = `${max}${maxExclusive ? ')' : ']'}`;
    throw new RangeError(`${fn}: ${name} must be ${integer ? 'an integer' : 'a number'} in ${lo}, ${hi}, got ${String(x)}`);
  }
}

/** Throws unless `alpha` is a significance level in (0, 1). */
export function checkAlpha(fn: string, alpha: number): void {
  checkNumber(fn, 'alpha', alpha, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
}

/**
 * Throws unless `rows` is a non-ragged matrix of finite numbers with at
 * least `minRows` rows and at least one column; returns its column count.
 */
export function checkMatrix(fn: string, name: string, rows: readonly (readonly number[])[], minRows: number): number {
  if (!Array.isArray(rows)) {
    throw new TypeError(`${fn}: ${name} must be an array of rows, got ${typeof rows}`);
  }
  if (rows.length < minRows) {
    throw new RangeError(`${fn}: ${name} must have at least ${minRows} rows, got ${rows.length}`);
  }
  const p = rows[0].length;
  if (p < 1) throw new RangeError(`${fn}: ${name} rows must have at least one column`);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== p) {
      throw new RangeError(`${fn}: ${name}[${i}] must have ${p} columns like ${name}[0], got ${Array.isArray(row) ? row.length : typeof row}`);
    }
    for (let j = 0; j < p; j++) {
      if (typeof row[j] !== 'number' || !Number.isFinite(row[j])) {
        throw new RangeError(`${fn}: ${name}[${i}][${j}] must be a finite number, got ${String(row[j])}`);
      }
    }
  }
  return p;
}
