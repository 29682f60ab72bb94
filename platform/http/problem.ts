/**
 * RFC 9457 problem details: every error a service answers with is one of these,
 * served as application/problem+json. `type` is a stable slug that clients
 * (and the checkout activities) branch on; `errors` names the offending fields.
 */
export interface FieldError {
  /** Where the bad value is: `body.lines[0].quantity`, `query.limit`, `header.idempotency-key`. */
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }

  toBody(instance?: string): ProblemBody {
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
    };
  }
}

export function validationProblem(errors: FieldError[]): HttpProblem {
  const first = errors[0];
  const detail = first ? `${first.field}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}` : undefined;
  return new HttpProblem(400, 'validation-failed', 'The request is not valid', detail, { errors });
}

export function notFound(what: string, id: string): HttpProblem {
  return new HttpProblem(404, 'not-found', `${what} not found`, `No ${what.toLowerCase()} with id '${id}'`);
}

export function conflict(type: string, detail: string, extensions: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem(409, type, 'Conflict with the current state', detail, extensions);
}
