/**
 * The checkout's business metrics, from workflow interceptors
 * (./interceptors.ts) through the SDK's metric meter: the worker's Runtime
 * exports them with Temporal's own metrics (worker/telemetry.ts, Prometheus:
 * these without the `temporal_` prefix of the SDK's, counters without `_total`,
 * times in milliseconds). The checkout workflow itself is left as
 * it is: the interceptors see it start and end and see each activity and
 * local activity it schedules resolve, exactly once per checkout whichever worker runs it and
 * however often workers restart. The meter emits nothing while a workflow
 * replays and adds no command to the history, so replay is unaffected.
 * Counters are per worker process, as Prometheus expects (sum over workers;
 * rate() takes a restart's reset in its stride). Times are the workflow's
 * clock, so a step's time includes its retries.
 *
 * Labels are few and bounded: the outcome, the failure type (the business
 * failure types and a handful of others), the activity's name. Never an id.
 */
import {
  ApplicationFailure,
  isCancellation,
  LocalActivityDoBackoff,
  metricMeter,
  workflowInfo,
  type ActivityInput,
  type LocalActivityInput,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { CHECKOUT_FAILURE_REASONS } from './checkout';
import type { CheckoutResult } from './messages';

/** The names, as the worker's SDK metrics endpoint serves them. */
export const CHECKOUT_METRICS = {
  started: 'checkout_started',
  completed: 'checkout_completed',
  failed: 'checkout_failed',
  duration: 'checkout_duration',
  stepDuration: 'checkout_step_duration',
} as const;

const CHECKOUT_WORKFLOW_TYPE = 'checkoutWorkflow';

function sinceStart(): number {
  return Math.max(0, Date.now() - workflowInfo().runStartTime.getTime());
}

function checkoutEnded(outcome: 'completed' | 'failed', reason?: string): void {
  if (outcome === 'completed') metricMeter.createCounter(CHECKOUT_METRICS.completed, '1', 'Checkouts that placed their order').add(1);
  else metricMeter.createCounter(CHECKOUT_METRICS.failed, '1', 'Checkouts that ended without an order, by reason').add(1, { reason: reason ?? CHECKOUT_FAILURE_REASONS.Unexpected });
  metricMeter.createHistogram(CHECKOUT_METRICS.duration, 'int', 'ms', 'From the start of a checkout to its end').record(sinceStart(), { outcome });
}

/** Why a checkout that threw ended: cancelled, or the failure's type; undefined for an error that fails the task (retried), not the checkout. */
function thrownReason(error: unknown): string | undefined {
  if (isCancellation(error)) return CHECKOUT_FAILURE_REASONS.Cancelled;
  if (error instanceof ApplicationFailure) return error.type ?? CHECKOUT_FAILURE_REASONS.Unexpected;
  return undefined;
}

/*
 * Both interceptors hand the workflow the very promise the next interceptor
 * answered, and watch its end on a branch of their own: the workflow's awaits
 * resolve on the same microtask as without them, so the order of the commands
 * within an activation (what replay compares) cannot move.
 */

/** Counts each checkout's start and end (completed, or failed by reason) and times it. */
export class CheckoutMetricsInbound implements WorkflowInboundCallsInterceptor {
  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const running = next(input);
    if (workflowInfo().workflowType !== CHECKOUT_WORKFLOW_TYPE) return running;
    metricMeter.createCounter(CHECKOUT_METRICS.started, '1', 'Checkouts started').add(1);
    running.then(
      (result) => checkoutEnded((result as CheckoutResult).status, (result as CheckoutResult).failure?.type),
      (error: unknown) => {
        const reason = thrownReason(error);
        if (reason) checkoutEnded('failed', reason);
      },
    );
    return running;
  }
}

type StepOutcome = 'completed' | 'failed' | 'cancelled';

function recordStep(step: string, scheduled: number, outcome: StepOutcome): void {
  metricMeter
    .createHistogram(CHECKOUT_METRICS.stepDuration, 'int', 'ms', 'How long each step of the checkout took, retries included, by activity and outcome')
    .record(Math.max(0, Date.now() - scheduled), { step, outcome });
}

function outcomeOf(error: unknown): StepOutcome {
  return isCancellation(error) ? 'cancelled' : 'failed';
}

/** A protobuf timestamp (its seconds a number or a Long) in milliseconds. */
function timestampMs({ seconds, nanos }: NonNullable<LocalActivityInput['originalScheduleTime']>): number {
  return Number(String(seconds ?? 0)) * 1000 + Math.floor((nanos ?? 0) / 1_000_000);
}

/**
 * Times each activity the checkout schedules (a saga step or a compensation), and each local
 * activity (the steps after the order), retries included, by outcome, under the same `step` label.
 */
export class CheckoutMetricsOutbound implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    const scheduled = Date.now();
    const running = next(input);
    if (workflowInfo().workflowType !== CHECKOUT_WORKFLOW_TYPE) return running;
    running.then(
      () => recordStep(input.activityType, scheduled, 'completed'),
      (error: unknown) => recordStep(input.activityType, scheduled, outcomeOf(error)),
    );
    return running;
  }

  /**
   * A local activity whose backoff is longer than its localRetryThreshold comes back here after a
   * timer, as a new call carrying the first call's schedule time: the step is timed from that, and
   * recorded once, when it ends, not at each backoff.
   */
  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    const scheduled = input.originalScheduleTime ? timestampMs(input.originalScheduleTime) : Date.now();
    const running = next(input);
    if (workflowInfo().workflowType !== CHECKOUT_WORKFLOW_TYPE) return running;
    running.then(
      () => recordStep(input.activityType, scheduled, 'completed'),
      (error: unknown) => {
        if (!(error instanceof LocalActivityDoBackoff)) recordStep(input.activityType, scheduled, outcomeOf(error));
      },
    );
    return running;
  }
}
