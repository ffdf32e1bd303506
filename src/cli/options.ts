/**
 * Option parsers shared by every command. A value they refuse becomes a commander usage error
 * (exit 2, src/cli/errors.ts) whose message names the option and the rule.
 */
import { InvalidArgumentError, Option } from 'commander';
import ms from 'ms';
import { backendChoices } from '../backend.ts';

export const positiveInt = (what: string, min: number) => (s: string) => {
  const n = Number(s);
  if (s.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${what} must be a whole number ≥ ${min}`);
  return n;
};

export const positive = (what: string) => (s: string) => {
  const n = Number(s);
  if (s.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${what} must be a positive number`);
  return n;
};

/** A probability in (0, 1): a level α. */
export const probability = (what: string) => (s: string) => {
  const n = Number(s);
  if (s.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError(`${what} must be a number in (0, 1)`);
  return n;
};

/** A wall-clock duration in seconds: `90s`, `10m`, `1.5h` (the `ms` package's units), or a bare number of seconds. */
export const duration = (what: string) => (s: string) => {
  const bare = Number(s);
  // ms returns undefined for what it cannot read.
  const seconds = s.trim() !== '' && Number.isFinite(bare) ? bare : ((ms(s as ms.StringValue) as number | undefined) ?? NaN) / 1000;
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new InvalidArgumentError(`${what} must be a positive duration such as 90s, 10m or 1.5h (a bare number is seconds)`);
  return seconds;
};

export const numberList = (what: string, integer: boolean) => (s: string) => {
  const values = s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map(Number);
  if (values.length === 0 || values.some((v) => !(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))))
    throw new InvalidArgumentError(`${what} must be a comma-separated list of positive ${integer ? 'whole numbers' : 'numbers'}, e.g. 1,2,4`);
  return [...new Set(values)].sort((a, b) => a - b);
};

export const backendOption = () =>
  new Option('--backend <name>', 'tfjs backend (auto tries tfjs-node-gpu, webgpu on a hardware GPU, tfjs-node, wasm, cpu in that order)').choices(backendChoices as string[]).default('auto');

/** `--max-detectable` and `--require-power`, for the commands whose verdicts state their power. */
export function powerOptions(): Option[] {
  return [
    new Option(
      '--max-detectable <e>',
      'largest detectable relative kernel error a verdict may have (e.g. 0.05): a verdict that cannot see an error that small is inconclusive',
    ).argParser(positive('--max-detectable')),
    new Option('--require-power', 'exit 1 when any verdict is inconclusive (lacks power or cannot decide), not only when one fails'),
  ];
}
