const DOCS = 'https://docs.github.com/enterprise-server@3.19/rest';

/** One entry of a 422 "Validation Failed" answer, as GitHub spells it. */
interface ValidationIssue {
  resource: string;
  field: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  message?: string;
}

/**
 * An HTTP error answered with GitHub's error body `{ message, documentation_url, errors? }`.
 *
 * @example throw new HttpError(404, 'Not Found');
 */
export class HttpError extends Error {
  readonly status: number;
  readonly errors: ValidationIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    errors?: ValidationIssue[],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { message: this.message, documentation_url: DOCS };
    if (this.errors) body.errors = this.errors;
    body.status = String(this.status);
    return body;
  }
}

/** A 404 for a missing repository, PR, ref or object (GitHub also hides forbidden things so). */
export function notFound(): HttpError {
  return new HttpError(404, 'Not Found');
}

/** A 422 "Validation Failed" naming the resource and field. */
export function invalid(
  resource: string,
  field: string,
  message: string,
  code: ValidationIssue['code'] = 'invalid',
): HttpError {
  return new HttpError(422, 'Validation Failed', [{ resource, field, code, message }]);
}
