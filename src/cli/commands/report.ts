/** `infinite-attention report results.json`: re-render a report from its data, without rerunning anything. */
import { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { readResults, writeReport } from '../../reports/write.ts';
import { UsageError } from '../errors.ts';

export function reportCommand(): Command {
  return new Command('report')
    .description('re-render report.md, report.html, junit.xml and plots/ from a results.json (e.g. after a change to the report layout)')
    .argument('<results>', 'a results.json written by sweep or validate --report')
    .option('--out <dir>', 'report directory (default: the results file\'s own)')
    .action(async (file: string, o: { out?: string }) => {
      let results;
      try {
        results = readResults(file);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new UsageError(code ? `cannot read the results file ${file}: ${code}` : `${(e as Error).message.startsWith(file) ? '' : `${file}: `}${(e as Error).message}`);
      }
      const w = await writeReport(resolve(o.out ?? dirname(file)), results);
      console.log(`report: ${resolve(w.dir, 'report.html')}`);
    });
}
