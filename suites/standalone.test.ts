/**
 * The repository stands alone (issue 11, §6): no file refers to documents that live outside it
 * (a sibling `shared/` folder with the kernel and stack notes that a user's clone does not have),
 * and every relative link of README.md and docs/*.md leads to a file, and heading, that exists.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** The repository's files: what git tracks plus untracked files it does not ignore; a plain walk without git. */
function repositoryFiles(): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\0').filter((f) => f && existsSync(join(root, f)));
  } catch {
    const skip = new Set(['node_modules', 'dist', '.git']);
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        if (skip.has(name)) return [];
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : [relative(root, path)];
      });
    return walk(root);
  }
}

// Spelt in pieces, so that this file does not match itself.
const outside = [['KERNELS', 'md'].join('.'), ['STACK', 'md'].join('.'), ['..', 'shared'].join('/')];

describe('no file refers to documents outside the repository', () => {
  it(`nothing cites ${outside.join(', ')}`, () => {
    const files = repositoryFiles().filter((f) => !f.startsWith('node_modules/'));
    expect(files.length).toBeGreaterThan(50);
    const hits: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(root, f));
      if (text.includes(0)) continue; // binary
      text
        .toString('utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const o of outside) if (line.includes(o)) hits.push(`${f}:${i + 1}: ${o}`);
        });
    }
    expect(hits).toEqual([]);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  // Inline code keeps its text in GitHub's anchor ("`check-layer`" gives "check-layer").
  for (const line of withoutFences(markdown).split('\n')) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const base = h[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Markdown without fenced code blocks. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Markdown without fenced code blocks and inline code, whose brackets are not links. */
function withoutCode(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** Targets of inline links and images `[text](target "title")` and of reference definitions `[id]: target`. */
function linkTargets(markdown: string): string[] {
  const text = withoutCode(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const defs = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1]);
  return [...inline, ...defs];
}

const documents = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('relative links of README.md and docs/*.md', () => {
  it.each(documents)('%s: every relative link points to an existing file (and heading)', (doc) => {
    const text = readFileSync(join(root, doc), 'utf8');
    const broken: string[] = [];
    for (const target of linkTargets(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      const [pathPart, fragment] = target.split('#', 2);
      const file = pathPart === '' ? join(root, doc) : resolve(root, dirname(doc), decodeURIComponent(pathPart));
      if (!file.startsWith(root + '/') && file !== root) {
        broken.push(`${target}: leaves the repository`);
        continue;
      }
      if (!existsSync(file)) {
        broken.push(`${target}: no such file`);
        continue;
      }
      if (fragment && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(fragment)) broken.push(`${target}: no heading with that anchor`);
    }
    expect(broken).toEqual([]);
  });

  it('docs/kernels.md, the kernel contract the code cites, exists and is linked from the README', () => {
    expect(existsSync(join(root, 'docs/kernels.md'))).toBe(true);
    expect(linkTargets(readFileSync(join(root, 'README.md'), 'utf8'))).toContain('docs/kernels.md');
  });
});
