/**
 * Writes a report directory from a results object:
 *
 *   DIR/results.json   the data (docs/results-schema.md)
 *   DIR/report.md      Markdown; plots linked from DIR/plots/*.svg
 *   DIR/report.html    one self-contained page, plots inline
 *   DIR/junit.xml      one test case per check
 *
 * Rendering reads only the results object, so `renderReport(readResults(file))` re-renders an old run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Block } from './document.ts';
import { toHtml, toMarkdown } from './document.ts';
import { toJUnit } from './junit.ts';
import { renderSvg, type Plot } from './plots.ts';
import { checkResults, type Check, type Results } from '../results/schema.ts';
import { stringifyResults } from './results.ts';
import { sweepBlocks, sweepPlots } from './sweepReport.ts';
import { validateBlocks, validatePlots } from './validateReport.ts';
import { trainBlocks, trainPlots } from './trainReport.ts';

export interface WrittenReport {
  readonly dir: string;
  readonly files: readonly string[];
}

export function readResults(file: string): Results {
  return checkResults(JSON.parse(readFileSync(file, 'utf8')), file);
}

export function checkSummary(checks: readonly Check[]): { passed: number; failed: number; skipped: number; inconclusive: number } {
  return {
    inconclusive: checks.filter((c) => c.status === 'inconclusive').length,
    passed: checks.filter((c) => c.status === 'passed').length,
    failed: checks.filter((c) => c.status === 'failed').length,
    skipped: checks.filter((c) => c.status === 'skipped').length,
  };
}

/** The report's blocks with each figure's SVG rendered. */
export async function reportBlocks(r: Results): Promise<{ blocks: Block[]; plots: Plot[] }> {
  const plots = r.kind === 'sweep' ? sweepPlots(r) : r.kind === 'train' ? trainPlots(r) : validatePlots(r);
  const svgs = new Map<string, string>();
  for (const p of plots) svgs.set(p.name, await renderSvg(p.spec));
  const blocks = r.kind === 'sweep' ? sweepBlocks(r, plots) : r.kind === 'train' ? trainBlocks(r, plots) : validateBlocks(r, plots);
  return {
    blocks: blocks.map((b) => (b.kind === 'figure' ? { ...b, svg: svgs.get(b.name) ?? '' } : b)),
    plots,
  };
}

export async function writeReport(dir: string, r: Results): Promise<WrittenReport> {
  mkdirSync(join(dir, 'plots'), { recursive: true });
  const { blocks } = await reportBlocks(r);
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    files.push(join(dir, name));
  };
  put('results.json', stringifyResults(r));
  for (const b of blocks) if (b.kind === 'figure') put(`plots/${b.name}.svg`, b.svg);
  put('report.md', toMarkdown(blocks));
  put('report.html', toHtml(r.title, blocks));
  put('junit.xml', toJUnit(r.title, r.checks));
  return { dir, files };
}
