/**
 * The exit-code contract of every command (docs/cli.md, "Command line"):
 *
 *   0    everything ran, and every verdict, claim or composition passed (inconclusive ones
 *        included, unless --require-power);
 *   1    a verdict, claim or check-layer composition failed, or was inconclusive under --require-power;
 *   2    a usage or input error: a bad option (every commander error), a file that is missing or
 *        invalid, a spec the kernel cannot map, shards that do not merge;
 *   3    an internal error (a bug): one line, INFINITE_ATTENTION_DEBUG=1 shows the stack;
 *   130  interrupted (Ctrl-C).
 */
import { CommanderError } from 'commander';
import { SpecError } from '../spec/schema.ts';
import { KernelError } from '../kernels/state.ts';
import { BackendError } from '../backend.ts';
import { ShardError } from '../estimators/shards.ts';
import { SweepConfigError } from '../pipeline/sweep.ts';
import { LayerModuleError } from '../layers/module.ts';
import { CheckLayerError } from '../checkLayer/engine.ts';

export const EXIT = { passed: 0, failed: 1, usage: 2, internal: 3, interrupted: 130 } as const;

/** A command used wrongly, or given input it cannot use; the message says what and where. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The outcome of a run of verdicts, claims or compositions: 1 on any failure, and on any inconclusive one under --require-power. */
export function verdictExit(failed: number, inconclusive: number, requirePower: boolean): number {
  return failed > 0 || (requirePower && inconclusive > 0) ? EXIT.failed : EXIT.passed;
}

const inputErrors = [SpecError, KernelError, BackendError, ShardError, SweepConfigError, LayerModuleError, CheckLayerError, UsageError];

/** The exit code of an error thrown out of a command, and the one line to print (null: print nothing). */
export function describeError(e: unknown): { code: number; line: string | null } {
  if (e instanceof CommanderError) {
    // --help and --version exit 0; `help` with no command too. Everything else commander throws is misuse.
    if (e.exitCode === 0) return { code: EXIT.passed, line: null };
    const text = e.code === 'commander.help' ? 'no command given; see infinite-attention --help' : e.message.replace(/^error:\s*/, '');
    return { code: EXIT.usage, line: `error: ${oneLine(text)}` };
  }
  if (inputErrors.some((c) => e instanceof c)) return { code: EXIT.usage, line: `error: ${(e as Error).message}` };
  const message = e instanceof Error ? e.message : String(e);
  return { code: EXIT.internal, line: `error: ${oneLine(message)} (internal error; set INFINITE_ATTENTION_DEBUG=1 for the stack trace)` };
}

/** Commander's "(Did you mean …?)" hint on the same line as its error. */
function oneLine(s: string): string {
  return s
    .trim()
    .replace(/\n\(Did you mean/g, ' (did you mean')
    .replace(/\s*\n\s*/g, '; ');
}
