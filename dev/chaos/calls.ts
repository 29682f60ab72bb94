/**
 * Calls made while parts are being killed: a shopper, support or the run's
 * admin tries again, as a real client would, when the answer says "not now"
 * (no connection, a timeout, 429, 5xx), and takes any other answer as it is.
 */
import { backOff } from 'exponential-backoff';

export interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

class NotNow extends Error {}

const TRANSIENT_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUSES.has(status);
}

/**
 * Repeats `attempt` until it gets an answer that is not transient, or `signal`
 * aborts (then it throws). `onUnauthorized` renews the caller's token on a 401
 * (an access token expires after 15 minutes), which is then tried again.
 */
export async function persist<T>(
  attempt: () => Promise<Answer<T>>,
  options: { signal: AbortSignal; onUnauthorized?: () => void; maxDelayMs?: number },
): Promise<Answer<T>> {
  return backOff(
    async () => {
      options.signal.throwIfAborted();
      const answer = await attempt();
      if (isTransientStatus(answer.response.status)) throw new NotNow(`HTTP ${answer.response.status}`);
      if (answer.response.status === 401 && options.onUnauthorized) {
        options.onUnauthorized();
        throw new NotNow('HTTP 401');
      }
      return answer;
    },
    {
      numOfAttempts: Number.POSITIVE_INFINITY,
      startingDelay: 250,
      timeMultiple: 2,
      maxDelay: options.maxDelayMs ?? 3_000,
      jitter: 'full',
      // Anything thrown but the abort is a network error, a timeout or "not now".
      retry: () => !options.signal.aborted,
    },
  );
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
