/** `infinite-attention sweep`: a heads × width convergence sweep written as a report directory. */
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { readInputs, readSpec } from '../../io.ts';
import type { BackendChoice } from '../../backend.ts';
import type { AttentionScaling } from '../../spec/types.ts';
import { runSweep } from '../../pipeline/sweep.ts';
import { sweepClaims } from '../../reports/claims.ts';
import { commandLine, makeResults } from '../../reports/results.ts';
import { checkSummary, writeReport } from '../../reports/write.ts';
import { createProgress, interruptible } from './progress.ts';
import { backendOption, numberList, positive, positiveInt, probability } from '../options.ts';
import { EXIT, verdictExit } from '../errors.ts';

const scalingList = (s: string): AttentionScaling[] => {
  const v = s.split(',').map((x) => x.trim());
  for (const x of v) if (x !== 'linear' && x !== 'sqrt') throw new InvalidArgumentError(`scalings must be linear and/or sqrt, got ${JSON.stringify(x)}`);
  return [...new Set(v)] as AttentionScaling[];
};

export function sweepCommand(): Command {
  return new Command('sweep')
    .description(
      'run a spec over head counts and width factors and write a report (report.md, report.html, results.json, junit.xml); exit 1 if a claim is contradicted (or inconclusive under --require-power), 130 if interrupted',
    )
    .requiredOption('--spec <file>', 'network spec JSON (attention layers get their heads and scaling from the sweep)')
    .requiredOption('--inputs <file>', 'inputs JSON')
    .requiredOption('--out <dir>', 'report directory (created; files in it are overwritten)')
    .option('--heads <list>', 'head counts of every attention layer, e.g. 1,2,4,8', numberList('--heads', true), [1, 2, 4, 8])
    .option('--widths <list>', 'width factors (every hidden width; the readout is kept), e.g. 1,2,4', numberList('--widths', false), [1, 2, 4])
    .option('--scalings <list>', 'attention scalings to run, e.g. sqrt,linear (default: the spec\'s own)', scalingList)
    .option('--base-width <f>', 'width factor of the heads series (default: the largest of --widths)', positive('--base-width'))
    .option('--base-heads <h>', 'heads of the width series (default: the smallest of --heads)', positiveInt('--base-heads', 1))
    .option('--networks <N>', 'networks per grid point', positiveInt('--networks', 8), 512)
    .option('--shards <B>', 'independent shards per grid point (standard errors from their spread)', positiveInt('--shards', 2), 8)
    .option('--seed <s>', 'run seed (≥ 1)', positiveInt('--seed', 1), 1)
    .option('--precision <p>', 'relative precision of sampled analytic kernels (sqrt softmax attention)', positive('--precision'), 0.01)
    .option('--alpha <a>', 'level of each one-sided claim test', probability('--alpha'), 1e-3)
    .option('--chunk <n>', 'networks per tensor batch (default: the estimator\'s choice for the backend)', positiveInt('--chunk', 1))
    .option('--title <text>', 'report title')
    .addOption(backendOption())
    .option('--require-power', 'exit 1 when a claim is inconclusive (its test lacked the power to see the predicted effect), not only when one fails')
    .option('--json', 'print a JSON summary on stdout (progress lines on stderr become JSON too)')
    .option('--quiet', 'no progress output')
    .action(async (o) => {
      const start = performance.now();
      const spec = readSpec(o.spec);
      const inputs = readInputs(o.inputs);
      const progress = createProgress({ quiet: o.quiet, json: o.json });
      const stop = interruptible(() => progress.log('interrupt: finishing the current shard, then writing a partial report (Ctrl-C again to quit at once)'));
      let run;
      try {
        run = await runSweep({
          spec,
          inputs,
          inputsFile: o.inputs,
          heads: o.heads,
          widths: o.widths,
          scalings: o.scalings,
          baseWidth: o.baseWidth,
          baseHeads: o.baseHeads,
          networks: o.networks,
          shards: o.shards,
          seed: o.seed,
          precision: o.precision,
          chunk: o.chunk,
          backend: o.backend as BackendChoice,
          signal: stop.signal,
          onProgress: (p) => progress.update(p.done / p.total, `point ${Math.min(p.points, p.pointsDone + 1)}/${p.points}: ${p.label}`),
        });
      } finally {
        progress.stop();
        stop.dispose();
      }
      const checks = run.section.points.length ? sweepClaims(run.section, o.alpha) : [];
      const results = makeResults({
        kind: 'sweep',
        title: o.title ?? `Convergence sweep of ${o.spec}`,
        command: commandLine(),
        backend: run.backend,
        complete: run.complete,
        seconds: (performance.now() - start) / 1000,
        checks,
        sweep: run.section,
      });
      const written = await writeReport(resolve(o.out), results);
      const sum = checkSummary(checks);
      const whole = run.section.points.filter((p) => !p.partial).length;
      const part = run.section.points.filter((p) => p.partial);
      const done = `${whole} of ${whole + run.section.pending.length} grid points${part.length ? ` (+ ${part.map((p) => `${p.scaling} H=${p.heads} ×${p.width} with ${p.networks} networks`).join(', ')})` : ''}`;
      if (o.json) console.log(JSON.stringify({ out: written.dir, complete: run.complete, points: run.section.points.length, pending: run.section.pending, ...sum, checks }));
      else {
        if (!run.complete) console.log(`interrupted after ${done}; partial report written (not finished: ${run.section.pending.map((p) => `${p.scaling} H=${p.heads} ×${p.width}`).join(', ')})`);
        for (const c of checks) console.log(`${c.status === 'passed' ? 'pass' : c.status === 'failed' ? 'FAIL' : 'INCONCLUSIVE'}  ${c.name}: ${c.message}`);
        console.log(
          `${sum.passed} passed, ${sum.failed} failed${sum.inconclusive ? `, ${sum.inconclusive} inconclusive (${o.requirePower ? 'failing the run under --require-power' : 'neither pass nor fail; --require-power makes them fail the run'})` : ''}; ${done} in ${results.seconds.toFixed(0)} s; report: ${resolve(o.out, 'report.html')}`,
        );
      }
      process.exitCode = !run.complete ? EXIT.interrupted : verdictExit(sum.failed, sum.inconclusive, Boolean(o.requirePower));
    });
}
