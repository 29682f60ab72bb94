/**
 * The one place that says how this project talks to Temporal.
 *
 * Workflow code imports the constants below, so this module must stay pure at
 * its top level: no environment reads, no Node APIs, no imports beyond
 * @temporalio/common. Environment is read only inside `temporalConnectionConfig`.
 */
import { defineSearchAttributeKey, SearchAttributeType, type RetryPolicy } from '@temporalio/common';

export const TASK_QUEUES = {
  checkout: 'checkout',
} as const;

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_UI_PORT = 8233;

/** Custom search attributes, so support staff can filter checkouts in the Temporal UI. */
export const SEARCH_ATTRIBUTES = {
  CustomerId: defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD),
  OrderId: defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD),
  CheckoutStatus: defineSearchAttributeKey('CheckoutStatus', SearchAttributeType.KEYWORD),
  FailureReason: defineSearchAttributeKey('FailureReason', SearchAttributeType.KEYWORD),
} as const;

/** `Name=Type` pairs in the form `temporal server start-dev --search-attribute` and the test servers take. */
export const SEARCH_ATTRIBUTE_REGISTRATIONS: Record<string, 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList'> = {
  CustomerId: 'Keyword',
  OrderId: 'Keyword',
  CheckoutStatus: 'Keyword',
  FailureReason: 'Keyword',
};

/**
 * Service calls: quick attempts with backoff. A service that is down is retried
 * for a while; business failures are non-retryable and never enter this loop.
 */
export const SERVICE_CALL_RETRY: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '10s',
  maximumAttempts: 10,
};

/** Compensations must eventually succeed: retried without an attempt limit, with a longer ceiling. */
export const COMPENSATION_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
};

/**
 * How long a checkout that needs a person waits for support to retry or cancel
 * it. When the deadline passes, the checkout is undone and the customer told.
 */
export const SUPPORT_DEADLINE_MS = 24 * 60 * 60_000;

/**
 * While a checkout waits for support, its reservation is extended to
 * RESERVATION_HOLD_SECONDS from now every RESERVATION_REFRESH_INTERVAL_MS, so the
 * stock is still there when support retries (reservations otherwise expire).
 */
export const RESERVATION_HOLD_SECONDS = 30 * 60;
export const RESERVATION_REFRESH_INTERVAL_MS = 10 * 60_000;

/**
 * Compensations are retried for this long before they wait for support (who
 * can retry them again, or resolve them by hand).
 */
export const COMPENSATION_RETRY_BUDGET = '30m';

/**
 * A checkout waits for support at most this many times; after that, a stuck
 * step is undone and a stuck compensation is left for support to finish by
 * hand. It bounds a checkout's lifetime (docs/runbook.md works it out).
 */
export const MAX_SUPPORT_WAITS = 3;

/**
 * Committing the stock and emptying the cart once the order exists are retried
 * this long; then the purchase completes and support reconciles what is left.
 */
export const POST_ORDER_RETRY_BUDGET = '24h';

export const ACTIVITY_TIMEOUTS = {
  /** One HTTP call to a service; the HTTP client gives up earlier (see SERVICE_HTTP_TIMEOUT_MS). */
  startToClose: '15s',
  /** Bounds the whole retry loop of a forward step. */
  scheduleToClose: '5m',
} as const;

/** The typed HTTP clients abort a request after this long, before the activity times out. */
export const SERVICE_HTTP_TIMEOUT_MS = 10_000;

export interface TemporalConnectionConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Present when TEMPORAL_TLS=true or client certificates / an API key are given (e.g. Temporal Cloud). */
  tls?: { clientCertPath?: string; clientKeyPath?: string; serverNameOverride?: string };
  apiKey?: string;
  /** True when no TEMPORAL_ADDRESS was given and `npm start` should run a local dev server. */
  embedded: boolean;
  uiPort: number;
}

export function temporalConnectionConfig(env: Record<string, string | undefined> = process.env): TemporalConnectionConfig {
  const certPath = env.TEMPORAL_TLS_CERT;
  const keyPath = env.TEMPORAL_TLS_KEY;
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const wantsTls = env.TEMPORAL_TLS === 'true' || Boolean(certPath && keyPath) || Boolean(apiKey);
  return {
    address: env.TEMPORAL_ADDRESS || DEFAULT_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE || DEFAULT_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE || TASK_QUEUES.checkout,
    tls: wantsTls
      ? { clientCertPath: certPath, clientKeyPath: keyPath, serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME || undefined }
      : undefined,
    apiKey,
    embedded: !env.TEMPORAL_ADDRESS,
    uiPort: Number(env.TEMPORAL_UI_PORT || DEFAULT_UI_PORT),
  };
}
