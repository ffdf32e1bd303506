/**
 * JUnit XML for CI dashboards: one <testsuite> per check group, one <testcase> per check. The
 * de-facto schema (Jenkins/Ant, GitLab, GitHub test reporters): `failures`, `skipped`, `tests`,
 * `time` on suites; <failure message> and <skipped/> on cases.
 */
import type { Check } from '../results/schema.ts';

// An inconclusive check is reported as <skipped>: JUnit has no third outcome, and it did not pass.
const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters even when escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function toJUnit(name: string, checks: readonly Check[]): string {
  const groups = new Map<string, Check[]>();
  for (const c of checks) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const time = (cs: readonly Check[]) => cs.reduce((s, c) => s + (c.seconds ?? 0), 0).toFixed(3);
  const count = (cs: readonly Check[], st: Check['status']) => cs.filter((c) => c.status === st).length;
  const suites = [...groups.entries()].map(([group, cs]) => {
    const cases = cs.map((c) => {
      const open = `    <testcase classname="${xml(group)}" name="${xml(c.name)}" time="${(c.seconds ?? 0).toFixed(3)}"`;
      const details = c.details ? Object.entries(c.details).map(([k, v]) => `${k}=${v}`).join('\n') : '';
      if (c.status === 'failed') return `${open}>\n      <failure message="${xml(c.message)}">${xml(details)}</failure>\n    </testcase>`;
      if (c.status === 'skipped' || c.status === 'inconclusive') return `${open}>\n      <skipped message="${xml(c.message)}"/>\n    </testcase>`;
      return `${open}>\n      <system-out>${xml(c.message)}</system-out>\n    </testcase>`;
    });
    return `  <testsuite name="${xml(group)}" tests="${cs.length}" failures="${count(cs, 'failed')}" errors="0" skipped="${count(cs, 'skipped') + count(cs, 'inconclusive')}" time="${time(cs)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(name)}" tests="${checks.length}" failures="${count(checks, 'failed')}" errors="0" skipped="${count(checks, 'skipped') + count(checks, 'inconclusive')}" time="${time(checks)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
