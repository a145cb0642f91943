// Writes the multipart request bodies (fixed boundary, deterministic file bytes) and their expected responses.
// Run once with any Node; the outputs are committed and shared by tests, k6 and the baselines.
import fs from 'node:fs';
import crypto from 'node:crypto';
const dir = new URL('.', import.meta.url).pathname;
const boundary = 'gauntlet-boundary-7d3c1a9e';
let s = 7;
for (const [label, size] of [['1k', 1024], ['10k', 10240], ['100k', 102400]]) {
  const file = Buffer.alloc(size);
  for (let i = 0; i < size; i++) file[i] = (s = (s * 1103515245 + 12345) % 2147483648) >>> 16 & 0xff;
  const name = `data-${label}.bin`;
  const fields = {description: `Quarterly export (${label})`, category: 'reports'};
  const head = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  fs.writeFileSync(`${dir}upload-${label}.body`, body);
  const expected = {fields, file: {name, size, sha256: crypto.createHash('sha256').update(file).digest('hex')}};
  fs.writeFileSync(`${dir}upload-${label}.expected.json`, JSON.stringify(expected, null, 2) + '\n');
  console.log(label, body.length, expected.file.sha256);
}
