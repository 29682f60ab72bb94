/**
 * What the gateway says about a checkout, from the two places that know it
 * without asking the workflow: the checkout's durable record (orders service)
 * and Temporal's own view of the execution (describe, and the last events of
 * its history). Neither needs a worker. A workflow query would: it is slower,
 * fails while no worker runs, and a query answered by a freshly started worker
 * can split the next workflow task in two, which the SDK then cannot replay
 * (docs/runbook.md, "A checkout stuck on a non-determinism error").
 */
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { components as OrdersSchemas } from '../services/orders/api.gen';
import { SEARCH_ATTRIBUTES } from '../temporal.config';
import { CHECKOUT_STATUS_VALUES } from '../workflows/checkout';
import { checkoutWorkflowId, type CheckoutState, type CheckoutStatus, type CheckoutStep } from '../workflows/messages';
import type { components } from './api.gen';

export type CheckoutView = components['schemas']['Checkout'];
export type CheckoutRecord = OrdersSchemas['schemas']['CheckoutRecord'];

/** What Temporal knows of the execution, or nothing when it has forgotten it (retention) or is away. */
export interface LiveCheckout {
  customerId?: string;
  status: CheckoutStatus;
  step: CheckoutStep;
  waitingForSupport: boolean;
  closed: boolean;
}

const STEP_OF_ACTIVITY: Record<string, CheckoutStep> = {
  lockCart: 'locking_cart',
  reserveInventory: 'reserving_inventory',
  chargePayment: 'charging_payment',
  createOrder: 'creating_order',
  commitInventory: 'committing_inventory',
  completeCart: 'completing_cart',
  notifyCustomer: 'notifying_customer',
  releaseCart: 'compensating',
  releaseInventory: 'compensating',
  refundPayment: 'compensating',
  cancelOrder: 'compensating',
  recordCheckoutFailure: 'compensating',
};

const STATUS_OF_VALUE = Object.fromEntries(Object.entries(CHECKOUT_STATUS_VALUES).map(([status, value]) => [value, status])) as Record<string, CheckoutStatus>;

export function statusUrl(checkoutId: string): string {
  return `/checkouts/${checkoutId}`;
}

/** The workflow's own state, as the awaitOutcome update answers it. */
export function viewFromState(state: CheckoutState): CheckoutView {
  return {
    id: state.checkoutId,
    customerId: state.customerId,
    status: state.status,
    step: state.step,
    ...(state.lines.length > 0 ? { lines: state.lines, total: state.total } : {}),
    ...(state.ordered ? { orderId: state.orderId } : {}),
    ...(state.failure ? { failure: { type: state.failure.type, message: state.failure.message, step: state.failure.step } } : {}),
    waitingForSupport: state.support !== undefined,
    statusUrl: statusUrl(state.checkoutId),
  };
}

/** The record decides what is settled (ordered, failed); Temporal adds where a running checkout is. */
export function viewFromRecord(checkoutId: string, record: CheckoutRecord | undefined, live: LiveCheckout | undefined): CheckoutView | undefined {
  const customerId = record?.customerId ?? live?.customerId;
  if (!customerId) return undefined;
  const base = { id: checkoutId, customerId, statusUrl: statusUrl(checkoutId), waitingForSupport: live?.waitingForSupport ?? false };
  if (record?.status === 'failed' && record.failure) {
    return { ...base, status: 'failed', step: live && !live.closed ? live.step : 'done', failure: record.failure, waitingForSupport: false };
  }
  if (record?.status === 'ordered') {
    return {
      ...base,
      status: live && !live.closed ? live.status : 'completed',
      step: live && !live.closed ? live.step : 'done',
      ...(record.orderId ? { orderId: record.orderId } : {}),
      ...(record.total ? { total: record.total } : {}),
    };
  }
  if (live) return { ...base, status: live.status, step: live.step };
  // Recorded, never decided, and Temporal cannot say more: away right now, or it forgot a checkout that ended unrecorded.
  return { ...base, status: 'running', step: 'started' };
}

/**
 * The checkout as the record and Temporal's view tell it, read side by side. The workflow writes
 * its failure into the record before it publishes `failed` (workflows/checkout.ts, abandon), so the
 * two reads can straddle that moment: the record from just before the write, Temporal's view from
 * just after. Then the record is read once more, so that a checkout shown failed carries its
 * failure (what failed, and why) whenever the record has it.
 */
export async function readCheckoutView(
  checkoutId: string,
  readRecord: () => Promise<CheckoutRecord | undefined>,
  readLive: () => Promise<LiveCheckout | undefined>,
): Promise<CheckoutView | undefined> {
  const [firstRecord, live] = await Promise.all([readRecord(), readLive()]);
  const record = live?.status === 'failed' && firstRecord?.status !== 'failed' ? await readRecord() : firstRecord;
  return viewFromRecord(checkoutId, record, live);
}

/** Temporal's view of the execution, read without the workflow: undefined when it is not (or no longer) there. */
export async function liveCheckout(client: Client, checkoutId: string): Promise<LiveCheckout | undefined> {
  const handle = client.workflow.getHandle(checkoutWorkflowId(checkoutId));
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const closed = description.status.name !== 'RUNNING';
  const value = description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.CheckoutStatus);
  const status: CheckoutStatus = closed && description.status.name !== 'COMPLETED' ? 'failed' : (STATUS_OF_VALUE[value ?? ''] ?? 'running');
  return {
    customerId: description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.CustomerId),
    status,
    step: closed ? 'done' : await currentStep(client, description),
    waitingForSupport: status === 'waiting_for_support',
    closed,
  };
}

/**
 * The step of the call in flight, or else of the last one scheduled or, for a local activity, run
 * (read from the end of the history): steps only move forward. Keeping the stock while waiting for support is not a step.
 */
async function currentStep(client: Client, description: WorkflowExecutionDescription): Promise<CheckoutStep> {
  const pending = description.raw.pendingActivities?.map((activity) => STEP_OF_ACTIVITY[activity.activityType?.name ?? '']).find(Boolean);
  if (pending) return pending;
  const { history } = await client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: client.options.namespace,
    execution: { workflowId: description.workflowId, runId: description.runId },
    maximumPageSize: 50,
  });
  for (const event of history?.events ?? []) {
    const step = STEP_OF_ACTIVITY[activityTypeOf(event) ?? ''];
    if (step) return step;
  }
  return 'started';
}

/** The marker a local activity leaves in the history when it ends, or when it backs off before a retry. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * The activity an event is about: an activity task scheduled, or a local activity's marker
 * (emptying the cart and notifying, since they are local activities: never pending on the server).
 */
export function activityTypeOf(event: temporal.api.history.v1.IHistoryEvent): string | undefined {
  const { EventType } = temporal.api.enums.v1;
  if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) return event.activityTaskScheduledEventAttributes?.activityType?.name ?? undefined;
  if (event.eventType !== EventType.EVENT_TYPE_MARKER_RECORDED || event.markerRecordedEventAttributes?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  // The SDK's core writes it itself, as JSON ({"activity_type": ..., "attempt": ..., ...}); the activity's result is apart.
  const data = event.markerRecordedEventAttributes.details?.['data']?.payloads?.[0]?.data;
  if (!data) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    const type = (parsed as { activity_type?: unknown } | null)?.activity_type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}
