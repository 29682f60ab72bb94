/**
 * Records the checkout histories that replay.test.ts replays, one per path
 * through the saga, on the time-skipping test server with scripted activities.
 *
 *   npx tsx test/workflows/record-histories.ts
 *
 * The replay test exists to catch a workflow change that would break checkouts
 * already running. So re-record only when that is intended and safe: when no
 * checkout started by the old code can still be running, or after guarding
 * the change with `patched()` (then keep the old histories and add new ones:
 * `npx tsx test/workflows/record-histories.ts <name>` records just that one).
 * Scenarios marked `before` document a path older code took; they are not
 * overwritten unless `--force` is given.
 *
 * The newer scenarios take the paths production takes: the gateway's cart
 * checkout by update-with-start with its one awaitOutcome update id, the
 * customer's cancel, support's retry by signal (the Temporal UI), the support
 * deadline, and the safe-edges paths; since post-order-local-steps, those where
 * emptying the cart and notifying are local activities (`local-steps-*`); since
 * local-first-forward-steps, those where the steps before the order are tried
 * in the worker first and as activities when that fails (`local-first-*`).
 * `traced-*` are started by a traced client, as the gateway's is while the shop
 * traces: the trace context rides in the headers and the workflow makes its
 * spans in the sandbox (workflows/interceptors.ts), which must leave the
 * history as it is without tracing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Client, WithStartWorkflowOperation, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Duration } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { startTracing, stopTracing } from '../../platform/telemetry';
import { workflowSpanSinks } from '../../platform/telemetry/workflow-spans';
import type { CheckoutActivities } from '../../activities/types';
import { checkoutWorkflow } from '../../workflows';
import { MAX_SUPPORT_WAITS } from '../../temporal.config';
import { BUSINESS_FAILURES } from '../../workflows/failures';
import {
  awaitOutcomeUpdate,
  cancelCheckoutUpdate,
  checkoutWorkflowId,
  getCheckoutStateQuery,
  OUTCOME_UPDATE_ID,
  retryCheckoutSignal,
  retryCheckoutUpdate,
  type CheckoutInput,
} from '../../workflows/messages';
import {
  bundleWorkflows,
  businessFailure,
  cancellationHandled,
  cartCheckoutInput,
  checkoutInput,
  eventually,
  failingLocally,
  failingTimes,
  gate,
  heldUntil,
  HISTORIES_DIR,
  historyToText,
  startTestEnvironment,
  succeedingActivities,
} from './support';
import { admitted } from './crash-support';

const succeeding = succeedingActivities();

interface Scenario {
  name: string;
  activities: Partial<CheckoutActivities>;
  during?: (handle: WorkflowHandle<typeof checkoutWorkflow>, env: TestWorkflowEnvironment) => Promise<void>;
  /** The customer's cart, started as the gateway starts it (update-with-start), rather than given lines by workflow start. */
  asTheGatewayDoes?: boolean;
  /** Started (and its updates sent) by a traced client, as the gateway's while the shop traces. */
  traced?: boolean;
  /** Recorded from code older than this patch: the file documents that path and is kept. */
  before?: 'safe-edges' | 'post-order-local-steps' | 'local-first-forward-steps';
}

const paymentsDown = () => new Error('payments: 503 provider unavailable');

/** The card is declined: everything is undone and the customer told. */
const cardDeclined: Partial<CheckoutActivities> = {
  chargePayment: async () => {
    throw businessFailure(BUSINESS_FAILURES.PaymentDeclined, 'Your card was declined');
  },
};

/** The bought cart cannot be emptied (released by hand meanwhile): the order stands, flagged. */
const cartReleased: Partial<CheckoutActivities> = {
  completeCart: async () => {
    throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'cart: 409 checkout-released');
  },
};

async function untilWaitingForSupport(handle: WorkflowHandle<typeof checkoutWorkflow>, env: TestWorkflowEnvironment, round = 1): Promise<void> {
  await env.sleep('6m');
  await eventually('the checkout to wait for support', async () => {
    const state = await handle.query(getCheckoutStateQuery);
    return state.status === 'waiting_for_support' && state.supportActions.length === round - 1 ? true : undefined;
  });
}

/** A payments outage that support retries past, after `waited` of waiting. */
function supportRetriedAfterOutage(name: string, waited: Duration, by: 'update' | 'signal', before: Scenario['before'] | undefined): Scenario {
  let down = true;
  return {
    name,
    before,
    asTheGatewayDoes: by === 'signal',
    activities: {
      chargePayment: async () => {
        if (down) throw paymentsDown();
        return { chargeId: 'ch_1' };
      },
    },
    during: async (handle, env) => {
      await untilWaitingForSupport(handle, env);
      await env.sleep(waited);
      down = false;
      const request = { reason: 'provider is back', actor: 'sam@shop.example' };
      if (by === 'signal') await handle.signal(retryCheckoutSignal, request);
      else await handle.executeUpdate(retryCheckoutUpdate, { args: [request] });
    },
  };
}

/**
 * The customer cancels (the gateway's update) while the charge is in flight: the charge is refunded, the stock released.
 * Since local-first-forward-steps the charge is then an activity: its local attempt failed (`failedLocally`).
 */
function customerCancelsWhileCharging(name: string, failedLocally = false): Scenario {
  const charge = { started: gate(), mayFinish: gate() };
  const held = async () => {
    charge.started.open();
    await heldUntil(charge.mayFinish);
    return { chargeId: 'ch_1' };
  };
  return {
    name,
    asTheGatewayDoes: true,
    activities: {
      chargePayment: failedLocally ? failingLocally(held, paymentsDown) : held,
    },
    during: async (handle) => {
      await charge.started.opened;
      await handle.executeUpdate(cancelCheckoutUpdate, { args: [{ reason: 'changed my mind', by: 'customer', actor: 'customer-ada' }] });
      charge.mayFinish.open();
    },
  };
}

/** The payments provider stays down and nobody decides: the checkout is undone at the support deadline. */
function supportDeadlinePassed(name: string): Scenario {
  return {
    name,
    asTheGatewayDoes: true,
    activities: {
      chargePayment: async () => {
        throw paymentsDown();
      },
    },
    during: async (handle, env) => {
      await untilWaitingForSupport(handle, env);
      await env.sleep('25h');
    },
  };
}

/**
 * The customer's cancel reaches the checkout while its charge runs in the worker (a local activity): it is
 * handled once that workflow task ends, with or after the charge's result (whichever way the race went).
 */
function customerCancelsDuringLocalCharge(name: string): Scenario {
  const charge = { started: gate(), mayFinish: gate() };
  return {
    name,
    asTheGatewayDoes: true,
    activities: {
      chargePayment: async () => {
        charge.started.open();
        await heldUntil(charge.mayFinish);
        return { chargeId: 'ch_1' };
      },
    },
    during: async (handle, env) => {
      await charge.started.opened;
      const updateId = 'customer-cancel';
      const update = handle.executeUpdate(cancelCheckoutUpdate, { updateId, args: [{ reason: 'changed my mind', by: 'customer', actor: 'customer-ada' }] }).catch(() => undefined);
      await admitted(env.client, handle.workflowId, updateId);
      charge.mayFinish.open();
      await update;
    },
  };
}

function scenarios(): Scenario[] {
  const chargeStarted = gate();
  const chargeMayFinish = gate();
  return [
    supportRetriedAfterOutage('support-retried-after-outage', '1s', 'update', 'safe-edges'),
    // Recorded once the reservation was extended while waiting (patch hold-stock-while-waiting).
    supportRetriedAfterOutage('support-retried-holding-stock', '25m', 'update', 'safe-edges'),
    { name: 'completed', activities: {}, before: 'safe-edges' },
    {
      name: 'payment-declined',
      before: 'safe-edges',
      activities: {
        chargePayment: async () => {
          throw businessFailure(BUSINESS_FAILURES.PaymentDeclined, 'Your card was declined');
        },
      },
    },
    {
      name: 'order-rejected-refund-refused',
      before: 'safe-edges',
      activities: {
        createOrder: async () => {
          throw businessFailure(BUSINESS_FAILURES.OrderRejected);
        },
        refundPayment: async () => {
          throw businessFailure(BUSINESS_FAILURES.InvalidRequest, 'refund refused');
        },
      },
    },
    {
      name: 'cancelled-while-charging',
      before: 'safe-edges',
      activities: {
        chargePayment: async () => {
          chargeStarted.open();
          await heldUntil(chargeMayFinish);
          return { chargeId: 'ch_1' };
        },
      },
      during: async (handle) => {
        await chargeStarted.opened;
        await handle.cancel();
        await cancellationHandled(handle);
        chargeMayFinish.open();
      },
    },

    // Since safe-edges, as production ran them until the steps after the order became local activities.
    { name: 'cart-update-with-start', asTheGatewayDoes: true, activities: {}, before: 'post-order-local-steps' },
    { name: 'cart-declined-told-once-undone', before: 'post-order-local-steps', asTheGatewayDoes: true, activities: cardDeclined },
    { ...customerCancelsWhileCharging('customer-cancelled-while-charging'), before: 'post-order-local-steps' },
    supportRetriedAfterOutage('support-retried-by-signal', '20m', 'signal', 'post-order-local-steps'),
    { ...supportDeadlinePassed('support-deadline-passed'), before: 'post-order-local-steps' },
    {
      name: 'support-asked-too-often',
      before: 'post-order-local-steps',
      asTheGatewayDoes: true,
      activities: {
        chargePayment: async () => {
          throw paymentsDown();
        },
      },
      during: async (handle, env) => {
        for (let round = 1; round <= MAX_SUPPORT_WAITS; round += 1) {
          await untilWaitingForSupport(handle, env, round);
          await handle.executeUpdate(retryCheckoutUpdate, { args: [{ reason: `try ${round}`, actor: 'sam@shop.example' }] });
        }
      },
    },
    { name: 'cart-not-completed', before: 'post-order-local-steps', asTheGatewayDoes: true, activities: cartReleased },
    { name: 'order-adopted', before: 'post-order-local-steps', activities: { createOrder: async () => ({ orderId: '0b6f7a52-3f0e-4f57-9a57-2f1f0c3b9d7e' }) } },

    // Since post-order-local-steps: emptying the cart and notifying are local activities (committing the stock stays an activity).
    { name: 'local-steps-cart-update-with-start', before: 'local-first-forward-steps', asTheGatewayDoes: true, activities: {} },
    { name: 'local-steps-cart-not-completed', before: 'local-first-forward-steps', asTheGatewayDoes: true, activities: cartReleased },
    { name: 'local-steps-declined-told-once-undone', before: 'local-first-forward-steps', asTheGatewayDoes: true, activities: cardDeclined },
    {
      // Three failed attempts: the first two backoffs (1 s, 2 s) inside the worker, the third (4 s) a timer in the history.
      name: 'local-steps-cart-completion-retried',
      before: 'local-first-forward-steps',
      asTheGatewayDoes: true,
      activities: { completeCart: failingTimes(3, () => new Error('cart: 503 service unavailable'), async () => undefined).run },
    },
    // Traced, by the gateway's client: the checkout, the activities, the local steps and the updates make spans.
    { name: 'traced-cart-update-with-start', before: 'local-first-forward-steps', asTheGatewayDoes: true, traced: true, activities: {} },
    { ...customerCancelsWhileCharging('traced-customer-cancelled-while-charging'), before: 'local-first-forward-steps', traced: true },

    // Since local-first-forward-steps: lock, reserve, charge and order tried in the worker first, as activities when that fails.
    { name: 'local-first-cart-update-with-start', asTheGatewayDoes: true, activities: {} },
    { name: 'local-first-declined-told-once-undone', asTheGatewayDoes: true, activities: cardDeclined },
    {
      name: 'local-first-charge-retried-as-activity',
      asTheGatewayDoes: true,
      activities: { chargePayment: failingLocally(async () => ({ chargeId: 'ch_1' }), paymentsDown) },
    },
    customerCancelsWhileCharging('local-first-customer-cancelled-while-charging', true),
    customerCancelsDuringLocalCharge('local-first-customer-cancel-during-local-charge'),
    supportRetriedAfterOutage('local-first-support-retried-by-signal', '20m', 'signal', undefined),
    supportDeadlinePassed('local-first-support-deadline-passed'),
    { name: 'local-first-traced-cart-update-with-start', asTheGatewayDoes: true, traced: true, activities: {} },
  ];
}

/** Starts the checkout as the gateway does, or as a script with lines does. */
async function start(client: Client, taskQueue: string, checkout: CheckoutInput, asTheGatewayDoes: boolean) {
  const workflowId = checkoutWorkflowId(checkout.checkoutId);
  if (!asTheGatewayDoes) return client.workflow.start(checkoutWorkflow, { taskQueue, workflowId, args: [checkout] });
  const startWorkflowOperation = new WithStartWorkflowOperation(checkoutWorkflow, {
    taskQueue,
    workflowId,
    args: [checkout],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
  });
  await client.workflow.startUpdateWithStart(awaitOutcomeUpdate, { updateId: OUTCOME_UPDATE_ID, waitForStage: WorkflowUpdateStage.ACCEPTED, startWorkflowOperation });
  return startWorkflowOperation.workflowHandle();
}

async function record(): Promise<void> {
  const [env, workflowBundle] = await Promise.all([startTestEnvironment(), bundleWorkflows()]);
  mkdirSync(HISTORIES_DIR, { recursive: true });
  try {
    const force = process.argv.includes('--force');
    const only = process.argv.slice(2).filter((arg) => arg !== '--force');
    const chosen = scenarios().filter((candidate) => (only.length === 0 ? !candidate.before : only.includes(candidate.name)));
    // The spans themselves are not kept: only the trace context in the headers, and the sandbox's tracing, matter here.
    if (chosen.some((scenario) => scenario.traced)) startTracing({ serviceName: 'record-histories', spanProcessor: new NoopSpanProcessor() });
    const tracedClient = new Client({ connection: env.connection, namespace: env.namespace, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
    for (const scenario of chosen) {
      if (scenario.before && !force) {
        console.log(`kept ${scenario.name}.json: it documents the path taken before ${scenario.before} (--force re-records it with today's code)`);
        continue;
      }
      const taskQueue = `record-${scenario.name}`;
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle,
        activities: { ...succeeding, ...scenario.activities },
        sinks: workflowSpanSinks(),
      });
      const checkout = { ...(scenario.asTheGatewayDoes ? cartCheckoutInput() : checkoutInput()), checkoutId: `replay-${scenario.name}` };
      const history = await worker.runUntil(async () => {
        const handle = await start(scenario.traced ? tracedClient : env.client, taskQueue, checkout, scenario.asTheGatewayDoes ?? false);
        await scenario.during?.(handle, env);
        await handle.result().catch(() => undefined);
        return handle.fetchHistory();
      });
      const file = path.join(HISTORIES_DIR, `${scenario.name}.json`);
      writeFileSync(file, historyToText(history));
      console.log(`recorded ${path.relative(process.cwd(), file)} (${history.events?.length ?? 0} events)`);
    }
  } finally {
    await env.teardown();
    await stopTracing();
  }
}

if (require.main === module) {
  record().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
