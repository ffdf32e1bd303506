/** The envelope every results file shares, and its serialisation. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_SCHEMA, RESULTS_VERSION, type Check, type Results } from '../results/schema.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function toolInfo(): Results['tool'] {
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // A results file without a version is still a results file.
  }
  return { name: 'infinite-attention', version, node: process.versions.node };
}

export function makeResults(o: {
  kind: Results['kind'];
  title: string;
  command: string;
  backend: string;
  complete: boolean;
  seconds: number;
  checks: readonly Check[];
  sweep?: Results['sweep'];
  validate?: Results['validate'];
  train?: Results['train'];
  baseline?: Results['baseline'];
}): Results {
  return { schema: RESULTS_SCHEMA, version: RESULTS_VERSION, tool: toolInfo(), ...o };
}

/**
 * JSON with objects indented and arrays of numbers kept on one line: readable diffs without a line
 * per number. Numbers are written by JSON.stringify, the shortest decimal that round-trips, so
 * float64 values survive exactly (baselines compare analytic kernels to the last bit).
 */
export function stringifyResults(r: unknown): string {
  return (
    JSON.stringify(r, null, 1).replace(/\[(\s*-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*\s*)\]/g, (_, body: string) => `[${body.replace(/\s+/g, '')}]`) + '\n'
  );
}

/** The command line as typed, for "regenerate with" (argv without the node binary and script path). */
export function commandLine(argv: readonly string[] = process.argv): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['infinite-attention', ...argv.slice(2)].map(quote).join(' ');
}
