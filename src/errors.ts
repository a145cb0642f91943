/** The error contract of DESIGN §3: every error is `{"error":{"code","message"[,"issues"]}}`. */

export type ErrorCode =
  | 'invalid_body'
  | 'not_found'
  | 'too_large'
  | 'unsupported_media_type'
  | 'validation_failed'
  | 'unavailable'
  | 'internal';

export interface Issue {
  path: (string | number)[];
  message: string;
}

const STATUS: Record<ErrorCode, number> = {
  invalid_body: 400,
  not_found: 404,
  too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  unavailable: 503,
  internal: 500,
};

/** Thrown anywhere in a handler; `app.onError` turns it into the JSON response. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: Issue[] | undefined;

  constructor(code: ErrorCode, message: string, issues?: Issue[]) {
    super(message);
    this.code = code;
    this.status = STATUS[code];
    this.issues = issues;
  }

  toJSON(): { error: { code: ErrorCode; message: string; issues?: Issue[] } } {
    return {
      error: this.issues
        ? { code: this.code, message: this.message, issues: this.issues }
        : { code: this.code, message: this.message },
    };
  }
}

export const validationFailed = (issues: Issue[]): ApiError =>
  new ApiError('validation_failed', `${issues.length} invalid input${issues.length === 1 ? '' : 's'}`, issues);

export const errorResponse = (err: ApiError): Response =>
  new Response(JSON.stringify(err.toJSON()), {
    status: err.status,
    headers: { 'content-type': 'application/json' },
  });
