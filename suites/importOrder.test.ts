/**
 * Each module of the layer graph loads on its own, whichever is imported first: an import circle
 * (registry → residual → sequential → registry, as there was) makes the first one see its peers
 * uninitialised and throw `ReferenceError: Cannot access 'residual' before initialization`.
 * Vitest's module runner softens such a circle to `undefined` exports, so each case runs in a
 * fresh Node process (tsx), where the ES module semantics are the real ones.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runFresh(script: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('layer modules load in any order', () => {
  it.each(['src/layers/residual.ts', 'src/layers/sequential.ts', 'src/layers/registry.ts', 'src/network.ts'])(
    '%s imported first',
    (entry) => {
      expect(runFresh(`await import('./${entry}'); console.log('loaded');`).trim()).toBe('loaded');
    },
  );

  it('a residual network builds when residual.ts was imported first', () => {
    const out = runFresh(`
      const { residual } = await import('./src/layers/residual.ts');
      const { buildNetwork } = await import('./src/network.ts');
      const { layerTypes } = await import('./src/layers/registry.ts');
      const stack = buildNetwork(
        { layers: [{ type: 'dense', width: 3, wStd: 1, bStd: 0 }, { type: 'residual', block: [{ type: 'relu' }, { type: 'dense', width: 3, wStd: 1, bStd: 0 }] }] },
        { d: 2, T: 1 },
      );
      console.log(JSON.stringify({ same: layerTypes.residual.factory === residual, types: stack.layers.map((l) => l.type), width: stack.outWidth }));
    `);
    expect(JSON.parse(out)).toEqual({ same: true, types: ['dense', 'residual'], width: 3 });
  });
});
