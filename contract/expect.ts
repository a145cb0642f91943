/**
 * Recognising a correct response from a catalogue entry's `expect`: the one implementation used
 * by the conformance suite, the orchestrator's verification, and the k6 scripts. Pure functions.
 */
import type { Expect } from './catalogue.ts';

export interface Observed {
  status: number;
  contentType: string;
  body: string;
  location?: string;
}

/** Deep equality of JSON values: object keys in any order, numbers by value (180 == 180.0). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>, bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const CODE = /^[0-9A-Za-z]{7}$/;

const world = (v: unknown) => isObj(v) && isInt(v.id) && v.id >= 1 && v.id <= 10000 && isInt(v.randomNumber);
const item = (v: unknown) =>
  isObj(v) && isInt(v.id) && isStr(v.name) && isStr(v.description) && typeof v.price === 'number' && isInt(v.stock);
const ingredient = (v: unknown) => isObj(v) && isStr(v.name) && isStr(v.amount);
const recipe = (v: unknown) =>
  isObj(v) && isInt(v.id) && isStr(v.name) && isInt(v.servings) && isInt(v.minutes) && Array.isArray(v.ingredients) &&
  v.ingredients.length > 0 && v.ingredients.every(ingredient);
const backend = (v: unknown) => isObj(v) && isStr(v.backend) && typeof v.up === 'boolean';

/** Checks for responses whose content varies (random rows, fresh codes): the shape, not the values. */
export const shapes: Record<string, (body: unknown, observed: Observed) => boolean> = {
  health: (b) => isObj(b) && (b.status === 'ok' || b.status === 'degraded') && backend(b.db) && backend(b.cache),
  shortened: (b) =>
    isObj(b) && isStr(b.code) && CODE.test(b.code) && isStr(b.short_url) && b.short_url.endsWith(b.code),
  redirect: (_b, o) => typeof o.location === 'string' && /^https?:\/\//.test(o.location),
  stats: (b) => isObj(b) && isStr(b.code) && isStr(b.url) && isInt(b.clicks) && b.clicks >= 0,
  items: (b) => isObj(b) && Array.isArray(b.items) && b.items.every(item) && isInt(b.limit) && isInt(b.offset),
  item,
  world,
  worlds: (b) => Array.isArray(b) && b.length > 0 && b.every(world),
  recipes: (b) => isObj(b) && Array.isArray(b.recipes) && b.recipes.length > 0 && b.recipes.every(recipe),
};

function parse(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/**
 * Every way `observed` differs from `expect`; empty when the response is correct.
 * `readFixture` returns a fixture file's text (relative to workloads/).
 */
export function mismatches(expect: Expect, observed: Observed, readFixture: (file: string) => string): string[] {
  if (expect.kind === 'websocket-echo') return ['a WebSocket echo is checked over a socket, not a response'];
  const out: string[] = [];
  if (observed.status !== expect.status) out.push(`status ${observed.status}, expected ${expect.status}`);
  const type = observed.contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (expect.kind === 'text') {
    if (type !== expect.contentType) out.push(`content-type ${observed.contentType}, expected ${expect.contentType}`);
    if (observed.body !== expect.text) {
      out.push(`body differs (${observed.body.length} bytes, expected ${expect.text.length})`);
    }
    return out;
  }
  if (expect.kind === 'json-shape' && expect.shape === 'redirect') {
    if (!shapes.redirect!(undefined, observed)) out.push(`Location ${observed.location} is not an http(s) URL`);
    return out;
  }
  if (type !== 'application/json') out.push(`content-type ${observed.contentType}, expected application/json`);
  const parsed = parse(observed.body);
  if (!parsed.ok) return [...out, `body is not JSON: ${observed.body.slice(0, 120)}`];
  if (expect.kind === 'json-shape') {
    const shape = shapes[expect.shape];
    if (!shape) out.push(`unknown shape ${expect.shape}`);
    else if (!shape(parsed.value, observed)) {
      out.push(`body does not have the ${expect.shape} shape: ${observed.body.slice(0, 200)}`);
    }
    return out;
  }
  const wanted = expect.kind === 'json' ? expect.json : JSON.parse(readFixture(expect.file));
  if (!jsonEqual(parsed.value, wanted)) out.push(`body differs: ${observed.body.slice(0, 200)}`);
  return out;
}
