import { describe, expect, it } from 'vitest';
import { toHtml, toMarkdown, type Block } from './document.ts';
import { toJUnit } from './junit.ts';

const blocks: Block[] = [
  { kind: 'heading', level: 1, text: 'A <title> & more' },
  { kind: 'paragraph', text: 'Run `a < b` and **bold** [docs](docs/x.md).' },
  { kind: 'table', head: ['status', 'name'], rows: [['passed', 'x|y']], align: ['l', 'r'] },
  { kind: 'figure', name: 'p1', title: 'Plot', caption: 'cap', svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' },
];

describe('report documents', () => {
  it('renders Markdown with linked plots and escaped table cells', () => {
    const md = toMarkdown(blocks);
    expect(md).toContain('# A <title> & more');
    expect(md).toContain('| passed | x\\|y |');
    expect(md).toContain('![Plot](plots/p1.svg)');
  });

  it('renders one self-contained HTML page: escaped text, inline SVG, no script or external resource', () => {
    const html = toHtml('T', blocks);
    expect(html).toContain('<h1>A &lt;title&gt; &amp; more</h1>');
    expect(html).toContain('<code>a &lt; b</code>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<a href="docs/x.md">docs</a>');
    expect(html).toContain('<figure id="plot-p1"><svg');
    expect(html).not.toMatch(/<script|<link|<img/i);
  });
});

describe('JUnit XML', () => {
  it('groups checks into suites with failure and skipped counts, escaping text', () => {
    const xml = toJUnit('run', [
      { group: 'case "a"', name: 'nngp', status: 'passed', message: 'ok', seconds: 1 },
      { group: 'case "a"', name: 'ntk', status: 'failed', message: 'z = 5 > 3 & <bad>', details: { z: 5 }, seconds: 2 },
      { group: 'claims', name: 'c', status: 'skipped', message: 'n/a' },
    ]);
    expect(xml).toContain('<testsuites name="run" tests="3" failures="1" errors="0" skipped="1" time="3.000">');
    expect(xml).toContain('<testsuite name="case &quot;a&quot;" tests="2" failures="1"');
    expect(xml).toContain('<failure message="z = 5 &gt; 3 &amp; &lt;bad&gt;">z=5</failure>');
    expect(xml).toContain('<skipped message="n/a"/>');
  });
});
