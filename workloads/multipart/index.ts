/** Multipart upload: echo the text fields, and the file's name, size and SHA-256. */
import { Hono } from 'hono';
import { ApiError, type Issue } from '../../src/errors.ts';
import { assertValid, body } from '../../src/validation.ts';
import { UPLOAD_LIMIT } from '../../contract/limits.ts';

const hex = (bytes: ArrayBuffer): string => {
  let out = '';
  for (const b of new Uint8Array(bytes)) out += b.toString(16).padStart(2, '0');
  return out;
};

export default function multipart(): Hono {
  const app = new Hono();

  app.post('/upload', body('multipart/form-data', UPLOAD_LIMIT), async (c) => {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError('invalid_body', 'malformed multipart body');
    }
    const issues: Issue[] = [];
    const fields: Record<string, string> = {};
    let file: File | undefined;
    for (const [name, value] of form) {
      if (name === 'file') {
        if (typeof value === 'string') issues.push({ path: ['file'], message: 'expected a file' });
        else if (file) issues.push({ path: ['file'], message: 'expected a single file' });
        else file = value;
      } else if (typeof value !== 'string') {
        issues.push({ path: [name], message: 'expected a text field' });
      } else if (Object.hasOwn(fields, name)) {
        issues.push({ path: [name], message: 'expected a single value' });
      } else {
        fields[name] = value;
      }
    }
    if (!file && !issues.some((i) => i.path[0] === 'file')) {
      issues.push({ path: ['file'], message: 'required' });
    }
    assertValid(issues);
    const bytes = await file!.arrayBuffer();
    const sha256 = hex(await crypto.subtle.digest('SHA-256', bytes));
    return c.json({ fields, file: { name: file!.name, size: bytes.byteLength, sha256 } });
  });

  return app;
}
