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
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Duration } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { CheckoutActivities } from '../../activities/types';
import { checkoutWorkflow } from '../../workflows';
import { BUSINESS_FAILURES } from '../../workflows/failures';
import { checkoutWorkflowId, getCheckoutStateQuery, retryCheckoutUpdate } from '../../workflows/messages';
import {
  bundleWorkflows,
  businessFailure,
  cancellationHandled,
  checkoutInput,
  eventually,
  gate,
  heldUntil,
  HISTORIES_DIR,
  historyToText,
  startTestEnvironment,
} from './support';

const succeeding: CheckoutActivities = {
  lockCart: async () => ({ currency: 'USD', lines: [{ sku: 'POSTER', name: 'Poster', quantity: 1, unitPrice: 1000 }] }),
  releaseCart: async () => undefined,
  completeCart: async () => undefined,
  reserveInventory: async ({ checkoutId }) => ({ reservationId: `res-${checkoutId}` }),
  releaseInventory: async () => undefined,
  commitInventory: async () => undefined,
  extendReservation: async () => undefined,
  chargePayment: async () => ({ chargeId: 'ch_1' }),
  refundPayment: async () => undefined,
  createOrder: async ({ orderId }) => ({ orderId }),
  cancelOrder: async () => undefined,
  notifyCustomer: async () => ({ notificationId: 'n_1' }),
};

interface Scenario {
  name: string;
  activities: Partial<CheckoutActivities>;
  during?: (handle: WorkflowHandle<typeof checkoutWorkflow>, env: TestWorkflowEnvironment) => Promise<void>;
}

/** A payments outage that support retries past, after `waited` of waiting. */
function supportRetriedAfterOutage(name: string, waited: Duration): Scenario {
  let paymentsDown = true;
  return {
    name,
    activities: {
      chargePayment: async () => {
        if (paymentsDown) throw new Error('payments: 503 provider unavailable');
        return { chargeId: 'ch_1' };
      },
    },
    during: async (handle, env) => {
      await env.sleep('6m');
      await eventually('the checkout to wait for support', async () =>
        (await handle.query(getCheckoutStateQuery)).status === 'waiting_for_support' ? true : undefined,
      );
      await env.sleep(waited);
      paymentsDown = false;
      await handle.executeUpdate(retryCheckoutUpdate, { args: [{ reason: 'provider is back', actor: 'sam@shop.example' }] });
    },
  };
}

function scenarios(): Scenario[] {
  const chargeStarted = gate();
  const chargeMayFinish = gate();
  return [
    supportRetriedAfterOutage('support-retried-after-outage', '1s'),
    // Recorded once the reservation was extended while waiting (patch hold-stock-while-waiting).
    supportRetriedAfterOutage('support-retried-holding-stock', '25m'),
    { name: 'completed', activities: {} },
    {
      name: 'payment-declined',
      activities: {
        chargePayment: async () => {
          throw businessFailure(BUSINESS_FAILURES.PaymentDeclined, 'Your card was declined');
        },
      },
    },
    {
      name: 'order-rejected-refund-refused',
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
  ];
}

async function record(): Promise<void> {
  const [env, workflowBundle] = await Promise.all([startTestEnvironment(), bundleWorkflows()]);
  mkdirSync(HISTORIES_DIR, { recursive: true });
  try {
    const only = process.argv.slice(2);
    for (const scenario of scenarios().filter((candidate) => only.length === 0 || only.includes(candidate.name))) {
      const taskQueue = `record-${scenario.name}`;
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle,
        activities: { ...succeeding, ...scenario.activities },
      });
      const checkout = { ...checkoutInput(), checkoutId: `replay-${scenario.name}` };
      const history = await worker.runUntil(async () => {
        const handle = await env.client.workflow.start(checkoutWorkflow, {
          taskQueue,
          workflowId: checkoutWorkflowId(checkout.checkoutId),
          args: [checkout],
        });
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
  }
}

if (require.main === module) {
  record().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
