// Reads the results.jsonl that run.sh writes (one `estimate --json` result per line, two sizes per
// backend) and prints, per backend: networks/s of the larger run, the marginal rate between the two
// sizes (start-up and pipeline compilation cancel out), and the time to a 1 % standard error
// (issue 6: the largest SE over entries divided by the mean diagonal entry; SE ∝ 1/√networks).
// Usage: node summarize.mjs results.jsonl summary.json [key=value ...]
import { readFileSync, writeFileSync } from 'node:fs';

const [file, outFile, ...extra] = process.argv.slice(2);
const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

function relSE(mean, se) {
  if (!mean || !se) return null;
  const diag = mean.map((row, i) => row[i]).filter((v) => v !== 0);
  const meanDiag = diag.reduce((a, b) => a + b, 0) / diag.length;
  return Math.max(...se.flat()) / Math.abs(meanDiag);
}

const backends = {};
for (const r of rows) {
  const b = r.requested;
  backends[b] ??= { backend: b, runs: [] };
  if (r.failed) backends[b].failed = true;
  else backends[b].runs.push({ ran: r.backend, networks: r.networks, seconds: r.seconds, wallSeconds: r.wallSeconds, nngpRelSE: relSE(r.nngp, r.nngpSE), ntkRelSE: relSE(r.ntk, r.ntkSE) });
}

const summary = { ...Object.fromEntries(extra.map((kv) => kv.split(/=(.*)/s).slice(0, 2))), backends: [] };
for (const b of Object.values(backends)) {
  const runs = b.runs.sort((x, y) => x.networks - y.networks);
  const big = runs.at(-1);
  if (!big) {
    summary.backends.push({ backend: b.backend, failed: true });
    continue;
  }
  const small = runs.length > 1 ? runs[0] : null;
  const rate = big.networks / big.seconds;
  const marginal = small && big.seconds > small.seconds ? (big.networks - small.networks) / (big.seconds - small.seconds) : null;
  const useRate = marginal ?? rate;
  const to1 = (rel) => (rel === null ? null : { networks: Math.ceil(big.networks * (rel / 0.01) ** 2), seconds: (big.networks * (rel / 0.01) ** 2) / useRate });
  summary.backends.push({
    backend: b.backend,
    ran: big.ran,
    failed: Boolean(b.failed),
    networks: big.networks,
    seconds: big.seconds,
    wallSeconds: big.wallSeconds,
    networksPerSecond: rate,
    marginalNetworksPerSecond: marginal,
    nngpTo1Percent: to1(big.nngpRelSE),
    ntkTo1Percent: to1(big.ntkRelSE),
  });
}

const f = (x, d = 1) => (x === null || x === undefined ? '—' : x.toFixed(d));
console.log('backend   ran on    networks  seconds  networks/s  marginal/s  NNGP to 1 %        NTK to 1 %');
for (const s of summary.backends) {
  if (s.failed && !s.networks) {
    console.log(`${s.backend.padEnd(9)} failed (see run.log)`);
    continue;
  }
  const t = (x) => (x ? `${x.networks} in ${f(x.seconds)} s` : '—');
  console.log(
    `${s.backend.padEnd(9)} ${s.ran.padEnd(9)} ${String(s.networks).padStart(8)}  ${f(s.seconds, 2).padStart(7)}  ${f(s.networksPerSecond).padStart(10)}  ${f(s.marginalNetworksPerSecond).padStart(10)}  ${t(s.nngpTo1Percent).padEnd(17)}  ${t(s.ntkTo1Percent)}`,
  );
}
const [gpu, cpu] = ['webgpu', 'wasm'].map((k) => summary.backends.find((s) => s.backend === k && !s.failed));
if (gpu && cpu) {
  summary.webgpuOverWasm = (gpu.marginalNetworksPerSecond ?? gpu.networksPerSecond) / (cpu.marginalNetworksPerSecond ?? cpu.networksPerSecond);
  console.log(`webgpu/wasm (marginal rates): ${summary.webgpuOverWasm.toPrecision(2)}×`);
}
writeFileSync(outFile, JSON.stringify(summary, null, 2) + '\n');
