/**
 * Multipart upload: echo the text fields, and the file's name, size and SHA-256. The body is
 * parsed as it arrives (parser.ts), from the runtime's own chunk-by-chunk read where the entry
 * gives one (AppDeps.readBody: the node entry's) or else from `c.req`, and the file hashed chunk
 * by chunk with node:crypto's incremental hash, which Node, Bun, Deno and workerd all provide: the
 * app makes no copy of the file, and the digest is computed on the request's thread (WebCrypto's
 * digest wants the whole file in one buffer and, on Node, runs on the thread pool).
 */
import { createHash, type Hash } from 'node:crypto';
import { type Context, Hono } from 'hono';
import type { AppDeps } from '../../src/deps.ts';
import { ApiError, type Issue } from '../../src/errors.ts';
import { assertValid } from '../../src/validation.ts';
import { bodies, streamChunks, tooLarge } from '../../src/body.ts';
import { textOf } from '../../src/bytes.ts';
import { UPLOAD_LIMIT } from '../../contract/limits.ts';
import { boundaryOf, MultipartParser, type PartHead, type PartSink } from './parser.ts';

const ignore: PartSink = { data() {}, end() {} };

/** The form as its parts arrive: the contract's rules for `file` and the text fields. */
class Upload {
  readonly issues: Issue[] = [];
  readonly fields: Record<string, string> = {};
  file: { name: string; size: number; hash: Hash } | undefined;

  /** Where the part's bytes go: the file's hash, a text field, or nowhere when it is an issue. */
  part(head: PartHead): PartSink {
    const { name, filename } = head;
    if (name === 'file') {
      if (filename === undefined) this.issues.push({ path: ['file'], message: 'expected a file' });
      else if (this.file) this.issues.push({ path: ['file'], message: 'expected a single file' });
      else return this.#fileSink(filename);
      return ignore;
    }
    if (filename !== undefined) {
      this.issues.push({ path: [name], message: 'expected a text field' });
    } else if (Object.hasOwn(this.fields, name)) {
      this.issues.push({ path: [name], message: 'expected a single value' });
    } else {
      return this.#textSink(name);
    }
    return ignore;
  }

  #fileSink(name: string): PartSink {
    const file = { name, size: 0, hash: createHash('sha256') };
    this.file = file;
    return {
      data(bytes) {
        file.size += bytes.length;
        file.hash.update(bytes);
      },
      end() {},
    };
  }

  #textSink(name: string): PartSink {
    const fields = this.fields;
    fields[name] = '';
    let pieces: Uint8Array[] = [];
    return {
      data(bytes) {
        pieces.push(bytes);
      },
      end() {
        fields[name] = textOf(pieces);
        pieces = [];
      },
    };
  }
}

/**
 * Without the runtime's own read (AppDeps.readBody), bodies up to this size are read whole by
 * `c.req` and parsed in one piece: for a small body that is the cheaper of `c.req`'s two reads
 * on every runtime (on @hono/node-server it reads the socket directly, where `request.body` first
 * builds a WHATWG Request and a web stream over the Node stream: about 375 k instructions per
 * request, more than the whole parse of a 1 KiB upload), and the copy it makes costs less than
 * that up to a few hundred KiB. Larger and chunked bodies stream: no more than a chunk is held at
 * a time.
 */
export const READ_WHOLE_BYTES = 256 * 1024;

/** The body through `c.req`, as `ReadBody` hands it on: whole when short and declared, else chunk by chunk. */
async function readRequest(c: Context, length: number | undefined, onChunk: (chunk: Uint8Array) => void) {
  if (length !== undefined && length <= READ_WHOLE_BYTES) {
    onChunk(new Uint8Array(await c.req.arrayBuffer()));
    return;
  }
  await streamChunks(c, onChunk);
}

export default function multipart(deps: AppDeps): Hono {
  const app = new Hono();
  const body = bodies(deps);

  app.post('/upload', async (c) => {
    const { contentType, length } = body.check(c, 'multipart/form-data', UPLOAD_LIMIT);
    const boundary = boundaryOf(contentType);
    if (boundary === undefined || boundary.length > 70) {
      throw new ApiError('invalid_body', 'malformed multipart body: no usable boundary');
    }
    const upload = new Upload();
    const parser = new MultipartParser(boundary, (head) => upload.part(head));
    // A chunked body is counted against the limit as it comes.
    let read = 0;
    const take = (chunk: Uint8Array) => {
      read += chunk.byteLength;
      if (read > UPLOAD_LIMIT) throw tooLarge(UPLOAD_LIMIT);
      parser.push(chunk);
    };
    try {
      await (deps.readBody?.(c, take) ?? readRequest(c, length, take));
      parser.end();
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError('invalid_body', 'malformed multipart body');
    }
    const { issues, fields, file } = upload;
    if (!file && !issues.some((i) => i.path[0] === 'file')) {
      issues.push({ path: ['file'], message: 'required' });
    }
    assertValid(issues);
    return c.json({ fields, file: { name: file!.name, size: file!.size, sha256: file!.hash.digest('hex') } });
  });

  return app;
}
