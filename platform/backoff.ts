/**
 * Waiting for something a process depends on (its database, Temporal) that is
 * not reachable yet, or not reachable for the moment: retried with exponential
 * backoff and full jitter for as long as it takes, saying each time what it
 * waits for. Anything else that goes wrong (a password, a certificate) throws at once.
 */
import { backOff } from 'exponential-backoff';
import type { Logger } from './logger';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function reasonOf(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message ? message : String(error);
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}

export interface ReachableOptions {
  /** What is waited for, in the log: "the database postgres://…/shop_orders". */
  what: string;
  /** True for the errors that mean "not reachable now"; every other error is thrown. */
  isUnreachable(error: unknown): boolean;
  logger: Logger;
  maxDelayMs?: number;
}

export async function retryWhileUnreachable<T>(attempt: () => Promise<T>, options: ReachableOptions): Promise<T> {
  const maxDelayMs = options.maxDelayMs ?? MAX_DELAY_MS;
  let waitingSince: number | undefined;
  const result = await backOff(attempt, {
    numOfAttempts: Number.POSITIVE_INFINITY,
    startingDelay: FIRST_DELAY_MS,
    timeMultiple: 2,
    maxDelay: maxDelayMs,
    jitter: 'full',
    retry: (error: unknown, failures: number) => {
      if (!options.isUnreachable(error)) return false;
      waitingSince ??= Date.now();
      // The library's schedule: a random pause up to this long before the next try.
      const pauseAtMostMs = Math.min(maxDelayMs, FIRST_DELAY_MS * 2 ** (failures - 1));
      options.logger.warn(
        { waitingFor: options.what, attempt: failures, reason: reasonOf(error) },
        `waiting for ${options.what} (unreachable for ${seconds(Date.now() - waitingSince)}: ${reasonOf(error)}); next try within ${seconds(pauseAtMostMs)}`,
      );
      return true;
    },
  });
  if (waitingSince !== undefined) options.logger.info({ waitingFor: options.what }, `${options.what} is reachable, after ${seconds(Date.now() - waitingSince)}`);
  return result;
}
