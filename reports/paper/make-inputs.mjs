// Inputs for the paper report: 3 sequences of 4 positions in 8 channels, random directions, with
// position norms spread geometrically over a factor of 4 within each sequence. Unequal norms are
// what makes one sqrt-scaled head a visible scale mixture: with random logits the attention lands
// on positions of different size, so the output variance itself is random.
// Run: node reports/paper/make-inputs.mjs > reports/paper/inputs.json
import seedrandom from 'seedrandom';

const [M, T, d, spread] = [3, 4, 8, 4];
const rng = seedrandom('infinite-attention/paper-inputs');
const normal = () => {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
};
const inputs = [];
for (let m = 0; m < M; m++) {
  const seq = [];
  for (let t = 0; t < T; t++) {
    const v = Array.from({ length: d }, normal);
    const rms = Math.hypot(...v) / Math.sqrt(d);
    const scale = spread ** (t / (T - 1) - 0.5) / rms;
    seq.push(v.map((x) => Number((x * scale).toFixed(4))));
  }
  inputs.push(seq);
}
process.stdout.write(JSON.stringify({ inputs }) + '\n');
