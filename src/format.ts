/** Number formats shared by the terminal tables and the reports, so both print a figure the same way. */

/** A fraction as a percentage with two significant digits; "—" where there is no figure. */
export const pct = (x: unknown): string => (typeof x !== 'number' || !Number.isFinite(x) ? '—' : x < 0.001 ? '<0.1%' : `${(100 * x).toPrecision(2)}%`);
