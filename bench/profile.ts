/**
 * Summarises V8 CPU profiles (`node --cpu-prof`) of the sampler: self time by function and by
 * area (WASM kernels, tfjs engine, our random numbers, GC…), so "where does a network's time
 * go" has a short answer. bench/README.md, "Profiling", shows how to record one.
 *
 *   tsx bench/profile.ts tmp/prof/CPU.*.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}
interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Where a frame's self time belongs, by its script. Order matters: the first match wins. */
const areas: [string, (f: CallFrame) => boolean][] = [
  ['(garbage collector)', (f) => f.functionName === '(garbage collector)'],
  ['(idle)', (f) => f.functionName === '(idle)'],
  ['(program: native, outside JS)', (f) => f.functionName === '(program)'],
  ['WASM kernels (XNNPACK, tfjs-backend-wasm)', (f) => f.url.startsWith('wasm://') || /^(wasm-function|js-to-wasm|wasm-to-js)/.test(f.functionName)],
  ['tfjs-backend-wasm JS glue', (f) => f.url.includes('tfjs-backend-wasm')],
  ['random numbers (src/random, seedrandom)', (f) => f.url.includes('/src/random/') || f.url.includes('seedrandom')],
  ['tfjs-core (engine, ops, autodiff)', (f) => f.url.includes('tfjs-core') || f.url.includes('@tensorflow')],
  ['our estimators/layers (src/)', (f) => f.url.includes('/src/')],
  ['module loading (tsx, esbuild, node:internal)', (f) => f.url.includes('tsx') || f.url.includes('esbuild') || f.url.startsWith('node:')],
  ['other', () => true],
];

function shortUrl(url: string): string {
  if (!url) return '';
  const m = url.match(/(src\/.*|bench\/.*|tfjs-[a-z-]+\/.*|seedrandom\/.*)$/);
  return m ? m[1] : basename(url);
}

export function summarise(file: string, top = 25): string {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // timeDeltas[i] is the time before sample i; attribute it to the sampled node.
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const a = areas.find(([, test]) => test(f))![0];
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const lines = [`${file}: ${(total / 1e6).toFixed(2)} s sampled`, '', 'by area (self time)'];
  for (const [k, v] of [...area].sort((a, b) => b[1] - a[1])) lines.push(`${pct(v)} ${ms(v)}  ${k}`);
  lines.push('', `top ${top} functions (self time)`);
  for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(v)} ${ms(v)}  ${k}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--top');
  const top = i >= 0 ? Number(args.splice(i, 2)[1]) : 25;
  for (const f of args) console.log(summarise(f, top) + '\n');
}
