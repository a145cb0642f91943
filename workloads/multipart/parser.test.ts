import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { boundaryOf, MalformedMultipart, MultipartParser } from './parser.ts';

const BOUNDARY = 'gauntlet-boundary-7d3c1a9e';
const enc = new TextEncoder();

interface Parsed {
  name: string;
  filename: string | undefined;
  /** Text parts decoded, file parts as their SHA-256 and size. */
  value: string;
}

/** Parses `body` fed in the chunks `cuts` makes (offsets where a chunk ends). */
function parse(body: Uint8Array, cuts: number[], boundary = BOUNDARY): Parsed[] {
  const parts: Parsed[] = [];
  const parser = new MultipartParser(boundary, (head) => {
    const pieces: Uint8Array[] = [];
    return {
      data: (bytes) => pieces.push(bytes.slice()),
      end() {
        const bytes = Buffer.concat(pieces);
        const value = head.filename === undefined
          ? new TextDecoder().decode(bytes)
          : `${bytes.length}:${createHash('sha256').update(bytes).digest('hex')}`;
        parts.push({ name: head.name, filename: head.filename, value });
      },
    };
  });
  let from = 0;
  for (const cut of [...cuts, body.length]) {
    parser.push(body.subarray(from, cut));
    from = cut;
  }
  parser.end();
  return parts;
}

/** The same through the platform's `Response.formData()` (the WHATWG parser, undici here). */
async function reference(body: Uint8Array<ArrayBuffer>, boundary = BOUNDARY): Promise<Parsed[]> {
  const form = await new Response(body, {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }).formData();
  const parts: Parsed[] = [];
  for (const [name, value] of form) {
    if (typeof value === 'string') parts.push({ name, filename: undefined, value });
    else {
      const bytes = new Uint8Array(await value.arrayBuffer());
      const sha = createHash('sha256').update(bytes).digest('hex');
      parts.push({ name, filename: value.name, value: `${bytes.length}:${sha}` });
    }
  }
  return parts;
}

function body(
  parts: { head: string; value: string | Uint8Array }[],
  end = `--${BOUNDARY}--\r\n`,
): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    chunks.push(enc.encode(`--${BOUNDARY}\r\n${p.head}\r\n\r\n`));
    chunks.push(typeof p.value === 'string' ? enc.encode(p.value) : p.value, enc.encode('\r\n'));
  }
  chunks.push(enc.encode(end));
  return new Uint8Array(Buffer.concat(chunks));
}

/** A deterministic generator (the fixtures' LCG), for chunk sizes. */
function lcg(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s >>> 16) % n;
  };
}

const randomCuts = (length: number, seed: number, max: number): number[] => {
  const next = lcg(seed);
  const cuts: number[] = [];
  for (let at = 1 + next(max); at < length; at += 1 + next(max)) cuts.push(at);
  return cuts;
};

// File bytes full of near-misses: every proper prefix of the delimiter, CRs and dashes.
const delimiter = `\r\n--${BOUNDARY}`;
const nearMisses = enc.encode(
  Array.from({ length: delimiter.length - 1 }, (_, i) => delimiter.slice(0, i + 1) + 'x').join('') +
    `\r\r\n--\r\n--${BOUNDARY.slice(0, -1)}\r\n`,
);
const tricky = body([
  { head: 'Content-Disposition: form-data; name="note"', value: 'naïve ✓ --' },
  {
    head: 'Content-Disposition: form-data; name="file"; filename="n.bin"\r\nContent-Type: application/octet-stream',
    value: nearMisses,
  },
  { head: 'Content-Disposition: form-data; name="empty"', value: '' },
]);

describe('MultipartParser', () => {
  it('reads the committed fixtures in any chunking, as their expected responses say', () => {
    for (const size of ['1k', '10k', '100k']) {
      const bytes = new Uint8Array(readFileSync(new URL(`upload-${size}.body`, import.meta.url)));
      const expected = JSON.parse(readFileSync(new URL(`upload-${size}.expected.json`, import.meta.url), 'utf8'));
      const want = [
        ...Object.entries(expected.fields as Record<string, string>).map(([name, value]) => ({
          name,
          filename: undefined,
          value,
        })),
        { name: 'file', filename: expected.file.name, value: `${expected.file.size}:${expected.file.sha256}` },
      ];
      for (const cuts of [[], randomCuts(bytes.length, 1, 7), randomCuts(bytes.length, 2, 4000)]) {
        assert.deepEqual(parse(bytes, cuts), want, `${size}, ${cuts.length + 1} chunks`);
      }
    }
  });

  it('agrees with Response.formData() wherever the chunks are cut', async () => {
    const want = await reference(tricky);
    assert.equal(want.length, 3);
    for (let cut = 0; cut <= tricky.length; cut++) assert.deepEqual(parse(tricky, [cut]), want, `cut at ${cut}`);
    const ones = Array.from({ length: tricky.length - 1 }, (_, i) => i + 1);
    assert.deepEqual(parse(tricky, ones), want, 'one byte at a time');
    for (let seed = 1; seed <= 20; seed++) assert.deepEqual(parse(tricky, randomCuts(tricky.length, seed, 40)), want);
  });

  it('reads names and filenames as the WHATWG parser does', async () => {
    const bytes = body([
      { head: 'Content-Disposition: form-data; name="a%22b%0Ac"', value: 'x' },
      { head: 'content-disposition:form-data; name="file"; filename="r\u00e9sum\u00e9 %22q%22.pdf"', value: 'y' },
      { head: 'Content-Disposition: form-data; name="blank"; filename=""', value: '' },
    ]);
    const want = await reference(bytes);
    assert.deepEqual(parse(bytes, []), want);
    assert.deepEqual(want.map((p) => [p.name, p.filename]), [
      ['a"b\nc', undefined],
      ['file', 'résumé "q".pdf'],
      ['blank', ''],
    ]);
  });

  it('allows what RFC 2046 allows around the parts: a preamble, padding after a boundary, an epilogue', () => {
    const text = `preamble\r\n--${BOUNDARY} \t\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n` +
      `--${BOUNDARY}--\r\nepilogue`;
    assert.deepEqual(parse(enc.encode(text), []), [{ name: 'a', filename: undefined, value: '1' }]);
    assert.deepEqual(parse(enc.encode(`--${BOUNDARY}--`), []), []);
  });

  it('rejects what is not multipart, as Response.formData() does', async () => {
    const cases: Record<string, string> = {
      'no boundary at all': 'this is not multipart at all',
      'no closing boundary': `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1`,
      'headers never end': `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n`,
      'a part without headers': `--${BOUNDARY}\r\n\r\n1\r\n--${BOUNDARY}--\r\n`,
      'a part without a name': `--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\n1\r\n--${BOUNDARY}--\r\n`,
      'a header without a colon': `--${BOUNDARY}\r\nContent-Disposition form-data\r\n\r\n1\r\n--${BOUNDARY}--\r\n`,
      'not form-data': `--${BOUNDARY}\r\nContent-Disposition: attachment; name="a"\r\n\r\n1\r\n--${BOUNDARY}--\r\n`,
      'junk after a boundary': `--${BOUNDARY}junk\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n` +
        `--${BOUNDARY}--\r\n`,
      'an unterminated name':
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a\r\n\r\n1\r\n--${BOUNDARY}--\r\n`,
    };
    for (const [what, text] of Object.entries(cases)) {
      const bytes = enc.encode(text);
      await assert.rejects(reference(bytes), TypeError, `the reference accepts ${what}`);
      for (const cuts of [[], [1], randomCuts(bytes.length, 3, 5)]) {
        assert.throws(() => parse(bytes, cuts), MalformedMultipart, what);
      }
    }
  });

  it('keeps ignoring input after a failure, and end() reports it', () => {
    const parser = new MultipartParser(BOUNDARY, () => ({ data() {}, end() {} }));
    parser.push(enc.encode(`--${BOUNDARY}junk`));
    parser.push(enc.encode('more'));
    assert.throws(() => parser.end(), MalformedMultipart);
  });

  it('finds the boundary parameter, quoted or not', () => {
    assert.equal(boundaryOf(`multipart/form-data; boundary=${BOUNDARY}`), BOUNDARY);
    assert.equal(boundaryOf('multipart/form-data; charset=utf-8; BOUNDARY="a b"'), 'a b');
    assert.equal(boundaryOf('multipart/form-data'), undefined);
  });
});
