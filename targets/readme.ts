/**
 * The README's table of targets, rendered from the target table (never typed by hand):
 * `npm run targets:readme` rewrites the block between the markers; a test checks it is current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FAMILIES } from '../contract/catalogue.ts';
import { ROOT, type Target, targets } from './table.ts';

export const BEGIN = '<!-- gauntlet:targets -->';
export const END = '<!-- /gauntlet:targets -->';

const families = (t: Target): string =>
  t.control
    ? 'controls: `/plaintext`, `/json`, `POST /json/small`'
    : !t.families || t.families.length === FAMILIES.length
    ? 'every family'
    : FAMILIES.filter((f) => t.families!.includes(f)).join(', ');

/** The Markdown table: every target, grouped by language as the table orders them. */
export function targetsMarkdown(list: readonly Target[] = targets): string {
  const rows = list.map((t) => `| \`${t.name}\` | ${t.language} | ${t.description} | ${families(t)} |`);
  return ['| target | language | system | serves |', '|---|---|---|---|', ...rows].join('\n');
}

/** The README with its targets block replaced. */
export function withTargets(readme: string, markdown = targetsMarkdown()): string {
  const from = readme.indexOf(BEGIN), to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no ${BEGIN} … ${END} block`);
  return `${readme.slice(0, from + BEGIN.length)}\n${markdown}\n${readme.slice(to)}`;
}

if (import.meta.main) {
  const path = `${ROOT}README.md`;
  writeFileSync(path, withTargets(readFileSync(path, 'utf8')));
  console.log(`wrote the targets table of ${path}`);
}
