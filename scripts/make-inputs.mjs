// Regenerates fixtures/inputs/*.json: small deterministic batches (seeded), rounded to 4 decimals.
import { writeFileSync } from 'node:fs';
import seedrandom from 'seedrandom';

function batch(seed, M, T, d, lengths) {
  const u = seedrandom.alea(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const inputs = Array.from({ length: M }, () =>
    Array.from({ length: T }, () => Array.from({ length: d }, () => Math.round(normal() * 1e4) / 1e4)),
  );
  const out = { inputs };
  if (lengths) out.mask = lengths.map((L) => Array.from({ length: T }, (_, t) => (t < L ? 1 : 0)));
  return out;
}

const write = (name, obj) => writeFileSync(`fixtures/inputs/${name}.json`, JSON.stringify(obj) + '\n');
write('seq3x4x6', batch('seq3x4x6', 3, 4, 6));
write('seq3x4x6-masked', batch('seq3x4x6', 3, 4, 6, [4, 2, 3]));
write('seq4x6x8', batch('seq4x6x8', 4, 6, 8));
write('seq4x6x8-masked', batch('seq4x6x8', 4, 6, 8, [6, 3, 5, 1]));
write('vec4x8', batch('vec4x8', 4, 1, 8));
