/** Number formats shared by the terminal tables and the reports, so both print a figure the same way. */

/** A fraction as a percentage with two significant digits; "—" where there is no figure. */
export const pct = (x: unknown): string => (typeof x !== 'number' || !Number.isFinite(x) ? '—' : x < 0.001 ? '<0.1%' : `${(100 * x).toPrecision(2)}%`);

/**
 * A plain-text table for the terminal: each column padded to its widest cell, two spaces apart,
 * a rule of dashes under the head (unless `rule` is false). With `padLast` false the last column
 * is left as it is (free text that may be long) and does not set a width.
 */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[], o: { rule?: boolean; padLast?: boolean } = {}): string[] {
  const padded = o.padLast === false ? head.length - 1 : head.length;
  const widths = head.map((h, i) => (i < padded ? Math.max(h.length, ...rows.map((r) => r[i].length)) : 0));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < padded ? c.padEnd(widths[i]) : c)).join('  ');
  return [line(head), ...(o.rule === false ? [] : [line(widths.map((w, i) => '-'.repeat(i < padded ? w : head[i].length)))]), ...rows.map(line)];
}
