import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe('npm run calibrate: no pass on nothing', () => {
  it('--analyse-only on seeds that match no stored run exits 2 and says so, with no report', () => {
    const store = mkdtempSync(join(tmpdir(), 'calib-empty-'));
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/calibrate.ts', '--families', 'attention-linear', '--seeds', '3', '--seed-base', '123', '--store', store, '--analyse-only'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/no stored run in .*runs\.jsonl matches --families attention-linear --seeds 3 --seed-base 123/);
      expect(r.stdout).not.toMatch(/holds its level/);
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });
});
