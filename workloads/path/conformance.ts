import { assertError, assertJson, type Case, get } from '../../conformance/harness.ts';

const ok: [string, unknown][] = [
  ['/path/simple/caf%C3%A9', { id: 'café' }],
  ['/path/simple/a%2Fb', { id: 'a/b' }],
  ['/path/simple/' + 'x'.repeat(256), { id: 'x'.repeat(256) }],
  ['/path/multiple/%E2%9C%93/2', { user_id: '✓', post_id: '2' }],
  ['/path/int/0', { n: 0 }],
  ['/path/int/007', { n: 7 }],
  ['/path/int/2147483647', { n: 2147483647 }],
  ['/path/uuid/550E8400-E29B-41D4-A716-446655440000', { uuid: '550e8400-e29b-41d4-a716-446655440000' }],
  ['/path/date/2000-02-29', { date: '2000-02-29' }],
  ['/path/date/1999-12-31', { date: '1999-12-31' }],
];

const bad: [string, string][] = [
  ['/path/simple/' + 'x'.repeat(257), 'id'],
  ['/path/int/abc', 'n'],
  ['/path/int/-1', 'n'],
  ['/path/int/1.5', 'n'],
  ['/path/int/2147483648', 'n'],
  ['/path/int/99999999999999999999', 'n'],
  ['/path/uuid/not-a-uuid', 'uuid'],
  ['/path/uuid/550e8400e29b41d4a716446655440000', 'uuid'],
  ['/path/uuid/%7B550e8400-e29b-41d4-a716-446655440000%7D', 'uuid'],
  ['/path/uuid/550e8400-e29b-41d4-a716-44665544000g', 'uuid'],
  ['/path/date/2025-02-30', 'date'],
  ['/path/date/2023-02-29', 'date'],
  ['/path/date/1900-02-29', 'date'],
  ['/path/date/2025-13-01', 'date'],
  ['/path/date/2025-1-01', 'date'],
  ['/path/date/20250101', 'date'],
];

export const cases: Case[] = [
  ...ok.map(([path, echo]): Case => ({
    name: `GET ${path.length > 60 ? path.slice(0, 60) + '…' : path} → ${JSON.stringify(echo).slice(0, 60)}`,
    run: async (ctx) => assertJson(await get(ctx, path), 200, echo),
  })),
  ...bad.map(([path, param]): Case => ({
    name: `GET ${path.length > 60 ? path.slice(0, 60) + '…' : path} → 422 at ["${param}"]`,
    run: async (ctx) => assertError(await get(ctx, path), 422, 'validation_failed', [param]),
  })),
];
