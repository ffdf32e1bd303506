/**
 * A report as a list of blocks, rendered twice: to Markdown (plots as linked SVG files) and to one
 * self-contained HTML page (plots inline, styles inline, no script, no external resource), so both
 * say exactly the same thing.
 *
 * Inline text understands `code`, **bold** and [links](url); everything else is escaped.
 */

export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly text: string; readonly id?: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'note'; readonly tone: 'ok' | 'warn' | 'fail'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'code'; readonly text: string; readonly lang?: string }
  | { readonly kind: 'table'; readonly head: readonly string[]; readonly rows: readonly (readonly string[])[]; readonly align?: readonly ('l' | 'r')[] }
  | { readonly kind: 'figure'; readonly name: string; readonly title: string; readonly caption: string; readonly svg: string };

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function inlineHtml(text: string): string {
  // Split out code spans first so their content is never formatted.
  return text
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length >= 2) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, t: string, url: string) => `<a href="${url}">${t}</a>`);
    })
    .join('');
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(blocks: readonly Block[], plotDir = 'plots'): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${b.text}`);
        break;
      case 'paragraph':
        out.push(b.text);
        break;
      case 'note':
        out.push(`> **${b.tone === 'ok' ? 'OK' : b.tone === 'warn' ? 'Note' : 'FAILED'}:** ${b.text}`);
        break;
      case 'list':
        out.push(b.items.map((i) => `- ${i}`).join('\n'));
        break;
      case 'code':
        out.push(`\`\`\`${b.lang ?? ''}\n${b.text}\n\`\`\``);
        break;
      case 'table': {
        const align = b.head.map((_, i) => (b.align?.[i] === 'r' ? '---:' : '---'));
        out.push([`| ${b.head.map(mdCell).join(' | ')} |`, `| ${align.join(' | ')} |`, ...b.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n'));
        break;
      }
      case 'figure':
        out.push(`![${b.title}](${plotDir}/${b.name}.svg)\n\n*${b.caption}*`);
        break;
    }
  }
  return out.join('\n\n') + '\n';
}

const STYLE = `
body { font: 15px/1.5 "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; max-width: 1180px; margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 1.7em; margin-bottom: .2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
code { font: 13px "DejaVu Sans Mono", Menlo, monospace; background: #f4f4f4; padding: 0 .25em; border-radius: 3px; }
pre { background: #f6f6f6; padding: .8em 1em; overflow-x: auto; border-radius: 4px; } pre code { background: none; padding: 0; }
table { border-collapse: collapse; margin: 1em 0; font-size: 13px; } th, td { border: 1px solid #ddd; padding: .3em .6em; vertical-align: top; }
th { background: #f2f2f2; text-align: left; } td.r { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5em 0; } figure svg { max-width: 100%; height: auto; } figcaption { color: #555; font-size: 13px; max-width: 900px; }
.note { padding: .6em 1em; border-left: 4px solid; margin: 1em 0; } .note.ok { border-color: #3a3; background: #f1faf1; }
.note.warn { border-color: #d90; background: #fdf8ec; } .note.fail { border-color: #c33; background: #fcf0f0; }
td .passed { color: #282; font-weight: bold; } td .failed { color: #b22; font-weight: bold; } td .skipped { color: #888; }
`;

const statusWords = new Set(['passed', 'failed', 'skipped', 'pass', 'fail', 'drift', 'ok', 'refused', 'error', 'inconclusive']);
const statusClass = (s: string) => (['passed', 'pass', 'ok'].includes(s) ? 'passed' : ['skipped', 'refused', 'inconclusive'].includes(s) ? 'skipped' : 'failed');

export function toHtml(title: string, blocks: readonly Block[]): string {
  const body: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        body.push(`<h${b.level}${b.id ? ` id="${escapeHtml(b.id)}"` : ''}>${inlineHtml(b.text)}</h${b.level}>`);
        break;
      case 'paragraph':
        body.push(`<p>${inlineHtml(b.text)}</p>`);
        break;
      case 'note':
        body.push(`<div class="note ${b.tone}">${inlineHtml(b.text)}</div>`);
        break;
      case 'list':
        body.push(`<ul>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</ul>`);
        break;
      case 'code':
        body.push(`<pre><code>${escapeHtml(b.text)}</code></pre>`);
        break;
      case 'table': {
        const cell = (s: string, i: number) => {
          const content = statusWords.has(s) ? `<span class="${statusClass(s)}">${escapeHtml(s)}</span>` : inlineHtml(s);
          return `<td${b.align?.[i] === 'r' ? ' class="r"' : ''}>${content}</td>`;
        };
        body.push(
          `<table><thead><tr>${b.head.map((h) => `<th>${inlineHtml(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
            .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
            .join('')}</tbody></table>`,
        );
        break;
      }
      case 'figure':
        // The SVG goes in as markup (vega's output is well-formed SVG with no script), not as an <img>, so the page needs no other file.
        body.push(`<figure id="plot-${escapeHtml(b.name)}">${b.svg}<figcaption>${inlineHtml(b.caption)}</figcaption></figure>`);
        break;
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}
