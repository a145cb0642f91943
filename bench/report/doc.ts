/**
 * The report as a list of blocks, rendered twice: to Markdown (charts left out) and to one
 * self-contained HTML page (charts inline as SVG, styles inline, no scripts, no external links).
 *
 * Inline text may use `code`, **bold** and [text](#anchor) links to anchors in the page.
 */
import type { TopLevelSpec } from 'vega-lite';

export type Tone = 'note' | 'warning';

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3 | 4; text: string; id?: string }
  | { kind: 'paragraph'; text: string; tone?: Tone; only?: 'markdown' | 'html' }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][]; caption?: string }
  | { kind: 'chart'; id: string; title: string; caption?: string; spec: TopLevelSpec };

export const heading = (level: 1 | 2 | 3 | 4, text: string, id?: string): Block => ({
  kind: 'heading',
  level,
  text,
  ...(id ? { id } : {}),
});
export const para = (text: string, tone?: Tone, only?: 'markdown' | 'html'): Block => ({
  kind: 'paragraph',
  text,
  ...(tone ? { tone } : {}),
  ...(only ? { only } : {}),
});
export const list = (items: string[]): Block => ({ kind: 'list', items });
export const table = (head: string[], rows: string[][], caption?: string): Block => ({
  kind: 'table',
  head,
  rows,
  ...(caption ? { caption } : {}),
});

/** An anchor id from any text: lower case, runs of other characters become one dash. */
export const slug = (text: string): string =>
  text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A column is right-aligned when every cell in it is a figure (or a dash). */
const NUMERIC = /^(?:(?:≈ )?[≥≤~+−-]?\d[\d,.]*(?:×|%)?(?: (?:[⚠‡[(]).*)?|\d+\/\d+|—|failed|fixed rate)$/;
const alignments = (head: string[], rows: string[][]): ('left' | 'right')[] =>
  head.map((_, c) =>
    c > 0 && rows.length > 0 && rows.every((r) => NUMERIC.test((r[c] ?? '').replace(/\*\*/g, ''))) ? 'right' : 'left'
  );

// ---------------------------------------------------------------- Markdown

/** In-page links have no anchors to land on in Markdown renderers: keep their text. */
const mdInline = (s: string): string => s.replace(/\[([^\]]+)\]\(#[a-z0-9-]+\)/g, '$1');
const mdCell = (s: string): string => mdInline(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${b.text}`);
        break;
      case 'paragraph':
        if (b.only === 'html') break;
        out.push(`${b.tone === 'warning' ? '> ⚠ ' : b.tone === 'note' ? '> ' : ''}${mdInline(b.text)}`);
        break;
      case 'list':
        out.push(b.items.map((i) => `- ${mdInline(i)}`).join('\n'));
        break;
      case 'table': {
        const align = alignments(b.head, b.rows);
        const lines = [
          `| ${b.head.map(mdCell).join(' | ')} |`,
          `|${align.map((a) => (a === 'right' ? '---:' : '---')).join('|')}|`,
          ...b.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
        ];
        out.push((b.caption ? `*${b.caption}*\n\n` : '') + lines.join('\n'));
        break;
      }
      case 'chart':
        break; // charts are in report.html only
    }
  }
  return out.join('\n\n') + '\n';
}

// ---------------------------------------------------------------- HTML

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Inline markup to HTML: escape, then `code`, **bold**, and links to in-page anchors only. */
export function inlineHtml(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\((#[a-z0-9-]+)\)/g, '<a href="$2">$1</a>');
}

const STYLE = `
:root { --fg: #1d2327; --muted: #5f6b73; --line: #d9dee2; --zebra: #f6f8f9; --warn: #fff4d6; --warn-line: #e0b44c; --note: #eef4fb; --note-line: #8fb3d9; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 20px; margin: 40px 0 8px; padding-top: 12px; border-top: 2px solid var(--line); }
h3 { font-size: 16px; margin: 28px 0 6px; }
h4 { font-size: 14px; margin: 18px 0 4px; color: var(--muted); }
p { margin: 6px 0 10px; max-width: 110ch; }
p.warning { background: var(--warn); border-left: 4px solid var(--warn-line); padding: 6px 10px; }
p.note { background: var(--note); border-left: 4px solid var(--note-line); padding: 6px 10px; }
code { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: var(--zebra); padding: 0 3px; border-radius: 3px; }
ul { margin: 4px 0 12px; padding-left: 22px; }
.table-wrap { overflow-x: auto; margin: 6px 0 14px; }
table { border-collapse: collapse; font-size: 13px; }
caption { caption-side: top; text-align: left; color: var(--muted); font-style: italic; padding: 2px 0 4px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; vertical-align: top; }
th { background: #eef1f3; text-align: left; font-weight: 600; white-space: nowrap; }
td.r { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: var(--zebra); }
figure { margin: 10px 0 18px; }
figure.chart { display: inline-block; vertical-align: top; margin-right: 24px; max-width: 100%; }
figure svg { max-width: 100%; height: auto; }
figure svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 2px; max-width: 110ch; }
nav.toc { column-width: 230px; column-gap: 24px; font-size: 13px; margin: 8px 0 16px; }
nav.toc a { display: block; color: #1f5f99; text-decoration: none; padding: 1px 0; }
a { color: #1f5f99; }
`;

/** The whole page. `svgs` maps chart ids to their SVG markup; a chart without one is an error. */
export function toHtml(blocks: readonly Block[], svgs: ReadonlyMap<string, string>, title: string): string {
  const body: string[] = [];
  const toc = blocks.filter((b): b is Extract<Block, { kind: 'heading' }> => b.kind === 'heading' && b.level === 2);
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading': {
        const id = b.id ?? slug(b.text);
        body.push(`<h${b.level} id="${escapeHtml(id)}">${inlineHtml(b.text)}</h${b.level}>`);
        if (b.level === 1 && toc.length > 0) {
          body.push(
            `<nav class="toc">${
              toc.map((h) => `<a href="#${escapeHtml(h.id ?? slug(h.text))}">${inlineHtml(h.text)}</a>`).join('')
            }</nav>`,
          );
        }
        break;
      }
      case 'paragraph':
        if (b.only === 'markdown') break;
        body.push(
          `<p${b.tone ? ` class="${b.tone}"` : ''}>${b.tone === 'warning' ? '⚠ ' : ''}${inlineHtml(b.text)}</p>`,
        );
        break;
      case 'list':
        body.push(`<ul>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</ul>`);
        break;
      case 'table': {
        const align = alignments(b.head, b.rows);
        const td = (c: string, i: number) => `<td${align[i] === 'right' ? ' class="r"' : ''}>${inlineHtml(c)}</td>`;
        body.push(
          `<div class="table-wrap"><table>${b.caption ? `<caption>${inlineHtml(b.caption)}</caption>` : ''}` +
            `<thead><tr>${b.head.map((h) => `<th>${inlineHtml(h)}</th>`).join('')}</tr></thead>` +
            `<tbody>${b.rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('')}</tbody></table></div>`,
        );
        break;
      }
      case 'chart': {
        const svg = svgs.get(b.id);
        if (svg === undefined) throw new Error(`no SVG rendered for chart ${b.id}`);
        // As wide as its SVG, so that narrow charts sit side by side and captions wrap under them.
        const width = /^<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1];
        body.push(
          `<figure id="${escapeHtml(b.id)}" class="chart"${
            width ? ` style="width: ${width}px"` : ''
          }>${svg}<figcaption><strong>${inlineHtml(b.title)}</strong>${
            b.caption ? ` — ${inlineHtml(b.caption)}` : ''
          }</figcaption></figure>`,
        );
        break;
      }
    }
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}
