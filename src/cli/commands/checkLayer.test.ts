import { describe, expect, it } from 'vitest';
import { formatRows } from './checkLayer.ts';
import type { CompositionRow } from '../../checkLayer/engine.ts';

const row = (name: string, networks: number, scales: number[]): CompositionRow => ({
  name,
  exercises: '',
  composition: { before: [], after: [], seed: 1, masked: false },
  layers: 'dense(64) → swish → dense(1)',
  headsScaled: false,
  networks,
  scales,
  status: 'pass',
  verdicts: [],
  message: '',
  seconds: 1,
});

describe('formatRows', () => {
  it("names a row's width factors and networks where they differ from the run's header, and only there", () => {
    const text = formatRows([row('gaussian', 256, [1, 2, 4]), row('linear-attention', 512, [1, 2, 4]), row('sqrt-attention', 256, [2, 4, 8])], {
      width: 64,
      scales: [1, 2, 4],
      networks: 256,
      runs: 0,
    });
    const line = (name: string) => text.split('\n').find((l) => l.startsWith(name + ' '));
    expect(line('gaussian')).toMatch(/dense\(64\) → swish → dense\(1\)$/);
    expect(line('linear-attention')).toMatch(/dense\(1\) \[512 networks\]$/);
    expect(line('sqrt-attention')).toMatch(/dense\(1\) \[factors 2, 4, 8\]$/);
  });
});
