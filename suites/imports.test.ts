/**
 * The import graph of src/ against the layering in .dependency-cruiser.cjs: no import circle, no
 * import from a floor to one above it, nothing below the CLI importing the CLI, no import of
 * suites/ or fixtures/ from src/. A failure lists every offending import.
 *
 * The config's known violations (imports only a file outside this change could remove) are
 * reported by dependency-cruiser with severity 'ignore'; each must still occur, so that the list
 * shrinks as they are fixed instead of hiding new ones.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Violation {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string; readonly severity: string };
  readonly cycle?: readonly { readonly name: string }[];
}

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const config = require('../.dependency-cruiser.cjs') as { options: { knownViolations: readonly Violation[] } };

function cruise(): { violations: Violation[]; totalCruised: number } {
  const cli = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const out = execFileSync(process.execPath, [cli, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    // Exit status 1 when a rule is broken: the JSON still comes on stdout.
  }).toString();
  return JSON.parse(out).summary;
}

const describeOne = (v: Violation) =>
  `${v.rule.name}: ${v.cycle ? [v.from, ...v.cycle.map((c) => c.name)].join(' → ') : `${v.from} → ${v.to}`}`;

describe('import graph (dependency-cruiser)', () => {
  let summary: ReturnType<typeof cruise> | undefined;
  const result = () => {
    if (!summary) {
      try {
        summary = cruise();
      } catch (e) {
        const stdout = (e as { stdout?: string }).stdout;
        if (!stdout) throw e;
        summary = JSON.parse(stdout).summary;
      }
    }
    return summary!;
  };

  it('cruises src/', () => {
    expect(result().totalCruised).toBeGreaterThan(200);
  });

  it('has no import against the rules', () => {
    const broken = result().violations.filter((v) => v.rule.severity !== 'ignore').map(describeOne);
    expect(broken, `imports against .dependency-cruiser.cjs:\n${broken.join('\n')}`).toEqual([]);
  });

  it('every known violation still occurs (remove fixed ones from the config)', () => {
    const seen = new Set(result().violations.filter((v) => v.rule.severity === 'ignore').map((v) => `${v.rule.name} ${v.from} ${v.to}`));
    const stale = config.options.knownViolations.map((v) => `${v.rule.name} ${v.from} ${v.to}`).filter((k) => !seen.has(k));
    expect(stale).toEqual([]);
  });
});
