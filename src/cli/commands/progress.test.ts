import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.ts';

/** A stand-in stderr that records what is written. */
function sink(isTTY: boolean) {
  const out: string[] = [];
  const stream = { isTTY, write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WriteStream;
  return { out, stream };
}

describe('progress output', () => {
  it('prints plain periodic lines off a terminal: the first, then at most one per interval, and the last', () => {
    const { out, stream } = sink(false);
    const p = createProgress({ stream, intervalMs: 60_000 });
    p.update(0, 'start');
    p.update(0.5, 'half way');
    p.update(1, 'done');
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^\[ {2}0%\] start \(0s elapsed\)\n$/);
    expect(out[1]).toMatch(/^\[100%\] done \(0s elapsed, ETA 0s\)\n$/);
  });

  it('writes JSON lines with --json', () => {
    const { out, stream } = sink(false);
    const p = createProgress({ stream, json: true });
    p.update(0.25, 'x');
    p.log('note');
    expect(JSON.parse(out[0])).toMatchObject({ progress: 0.25, label: 'x' });
    expect(JSON.parse(out[1])).toEqual({ message: 'note' });
  });

  it('is silent with --quiet', () => {
    const { out, stream } = sink(true);
    const p = createProgress({ stream, quiet: true });
    p.update(0.5, 'x');
    p.log('y');
    p.stop();
    expect(out).toEqual([]);
  });

  it('draws a bar on a terminal', () => {
    const { out, stream } = sink(true);
    const p = createProgress({ stream });
    p.update(0.5, 'working');
    p.stop();
    expect(out.join('')).toContain('50% | 0s elapsed');
    expect(out.join('')).toContain('working');
  });
});
