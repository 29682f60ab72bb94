/**
 * Errors as Stripe answers them: `{"error": {"type", "code", "message", "param", ...}}`.
 * `param` names a parameter in Stripe's bracket notation: `card[number]`.
 */
import type { z } from 'zod';
import type { components } from './api.gen';

export type ErrorBody = components['schemas']['ErrorResponse']['error'];

export class ProviderError extends Error {
  constructor(
    readonly status: number,
    readonly error: ErrorBody,
  ) {
    super(error.message);
    this.name = 'ProviderError';
  }

  toResponse(): components['schemas']['ErrorResponse'] {
    return { error: this.error };
  }
}

export function invalidRequest(message: string, extra: Omit<ErrorBody, 'type' | 'message'> = {}): ProviderError {
  return new ProviderError(400, { type: 'invalid_request_error', message, ...extra });
}

/** An unknown object: 404 when it is the URL's, 400 naming the parameter when the request refers to it. */
export function resourceMissing(kind: string, id: string, param?: string): ProviderError {
  return new ProviderError(param ? 400 : 404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    ...(param ? { param } : {}),
  });
}

export function cardError(message: string, extra: Omit<ErrorBody, 'type' | 'message'>): ProviderError {
  return new ProviderError(402, { type: 'card_error', message, ...extra });
}

export function unavailable(): ProviderError {
  return new ProviderError(503, {
    type: 'api_error',
    code: 'service_unavailable',
    message: 'The payment provider is unavailable (an outage). Nothing was done; retry the request with the same Idempotency-Key.',
  });
}

/** `['card', 'number']` → `card[number]` */
export function bracketParam(path: ReadonlyArray<PropertyKey>): string {
  return path.map((key, index) => (index === 0 ? String(key) : `[${String(key)}]`)).join('');
}

/** The first problem of a failed parse, worded as Stripe words it. */
export function invalidParameters(error: z.ZodError): ProviderError {
  const issue = error.issues[0];
  if (!issue) return invalidRequest('Invalid request');
  if (issue.code === 'unrecognized_keys') {
    const param = bracketParam([...issue.path, issue.keys[0] ?? '']);
    return invalidRequest(`Received unknown parameter: ${param}`, { param });
  }
  const param = bracketParam(issue.path);
  if (issue.code === 'invalid_type' && issue.input === undefined) return invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
  return invalidRequest(`Invalid ${param}: ${issue.message}`, { code: 'parameter_invalid', param });
}
