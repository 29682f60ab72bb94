/**
 * The checkout's business metrics, emitted by the workflow itself through the
 * SDK's metric meter: the worker's Runtime exports them with Temporal's own
 * metrics (worker/telemetry.ts, Prometheus). The workflow is where each
 * checkout starts, ends and moves from step to step exactly once, whichever
 * worker runs it and however often workers restart: the meter emits nothing
 * while a workflow replays, and it adds no command to the history. Counters
 * are per worker process, as Prometheus expects (sum over workers; rate()
 * takes a restart's reset in its stride). Times are the workflow's clock (the
 * time of the task that saw the step end), so they include retries and any
 * wait for support.
 */
import { metricMeter, workflowInfo } from '@temporalio/workflow';

/** The names, as the worker's SDK metrics endpoint serves them (with Temporal's `temporal_` prefix). */
export const CHECKOUT_METRICS = {
  started: 'checkout_started',
  completed: 'checkout_completed',
  failed: 'checkout_failed',
  duration: 'checkout_duration',
  stepDuration: 'checkout_step_duration',
} as const;

export type StepOutcome = 'completed' | 'failed';

function sinceStart(): number {
  return Math.max(0, Date.now() - workflowInfo().runStartTime.getTime());
}

export function checkoutStarted(): void {
  metricMeter.createCounter(CHECKOUT_METRICS.started, '1', 'Checkouts started').add(1);
}

export function checkoutCompleted(): void {
  metricMeter.createCounter(CHECKOUT_METRICS.completed, '1', 'Checkouts that placed their order').add(1);
  metricMeter.createHistogram(CHECKOUT_METRICS.duration, 'int', 'ms', 'From the start of a checkout to its end').record(sinceStart(), { outcome: 'completed' });
}

/** `reason`: the failure's type (PaymentDeclined, OutOfStock, CancelledByCustomer, ..., Cancelled). */
export function checkoutFailed(reason: string): void {
  metricMeter.createCounter(CHECKOUT_METRICS.failed, '1', 'Checkouts that ended without an order, by reason').add(1, { reason });
  metricMeter.createHistogram(CHECKOUT_METRICS.duration, 'int', 'ms', 'From the start of a checkout to its end').record(sinceStart(), { outcome: 'failed' });
}

/**
 * A saga step (kind `step`) or compensation (kind `compensation`) ended; `since` is Date.now() when it began.
 * Called where the workflow already handles the step's end, never around it, so it adds no await.
 */
export function stepEnded(step: string, kind: 'step' | 'compensation', outcome: StepOutcome, since: number): void {
  metricMeter
    .createHistogram(CHECKOUT_METRICS.stepDuration, 'int', 'ms', 'How long each saga step took, retries and waits for support included')
    .record(Math.max(0, Date.now() - since), { step, kind, outcome });
}
