/**
 * Turns a service's HTTP answer into what Temporal should do with it:
 * - 2xx: the result;
 * - a 4xx business refusal (out of stock, card declined...): a typed,
 *   non-retryable ApplicationFailure that the workflow compensates for;
 * - any other 4xx: non-retryable `InvalidRequest` (the same request can only fail again);
 * - 408, 429, 5xx and network errors: a plain error, retried by Temporal.
 */
import { ApplicationFailure } from '@temporalio/common';
import { BUSINESS_FAILURES, type BusinessFailureType } from '../workflows/failures';

export interface ProblemLike {
  type?: string;
  title?: string;
  detail?: string;
  status?: number;
  [extension: string]: unknown;
}

export interface FetchResultLike<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

const RETRYABLE_CLIENT_STATUSES = new Set([408, 425, 429]);

export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
}

/**
 * @param businessTypes maps a problem `type` from this endpoint to the business failure it means.
 */
export function unwrap<T>(
  operation: string,
  result: FetchResultLike<T>,
  businessTypes: Record<string, BusinessFailureType | ((problem: ProblemLike) => BusinessFailureType)> = {},
): T {
  const { response } = result;
  if (response.ok) return result.data as T;
  const problem: ProblemLike = typeof result.error === 'object' && result.error !== null ? (result.error as ProblemLike) : {};
  const message = `${operation}: ${response.status} ${problem.type ?? ''} ${problem.detail ?? problem.title ?? ''}`.trim();
  if (response.status >= 500 || RETRYABLE_CLIENT_STATUSES.has(response.status)) {
    throw new ServiceUnavailableError(message);
  }
  const mapped = problem.type ? businessTypes[problem.type] : undefined;
  const failureType = typeof mapped === 'function' ? mapped(problem) : mapped;
  throw ApplicationFailure.create({
    type: failureType ?? BUSINESS_FAILURES.InvalidRequest,
    message: problem.detail ?? message,
    nonRetryable: true,
    details: [{ status: response.status, problem }],
  });
}
