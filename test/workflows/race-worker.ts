/**
 * A checkout worker in its own process, for record-update-races.ts to kill with
 * SIGKILL. One activity completes asynchronously (its task token is printed) so
 * that the recorder completes it once this worker is dead:
 *   charge        chargePayment, as the activity it becomes once its local attempt failed
 *                 (as with the provider down)
 *   extension     extendReservation, after chargePayment failed for good (a
 *                 refusal that is not the customer's: the checkout waits for support)
 *   cart          completeCart of a cart checkout, a local activity: it prints its token and never
 *                 ends, so the worker dies before the step is recorded (checkout.test.ts)
 *   local-charge  chargePayment's local attempt, likewise (checkout.test.ts)
 *   node --import tsx race-worker.ts <temporal address> <task queue> <charge|extension|cart|local-charge>
 */
import { CompleteAsyncError, Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { CheckoutActivities } from '../../activities/types';

const printToken = () => process.stdout.write(`TOKEN ${Buffer.from(Context.current().info.taskToken).toString('base64')}\n`);

const held = () => {
  printToken();
  throw new CompleteAsyncError();
};

/** A local activity cannot complete asynchronously: it just never ends. */
const hung = () => {
  printToken();
  return new Promise<never>(() => undefined);
};

async function main(): Promise<void> {
  const [address, taskQueue, which] = process.argv.slice(2);
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR' }, forward: {} } } });
  const activities: Partial<CheckoutActivities> = {
    lockCart: async () => ({ currency: 'USD', lines: [{ sku: 'POSTER', name: 'Poster', quantity: 1, unitPrice: 1000 }] }),
    reserveInventory: async ({ checkoutId }) => ({ reservationId: checkoutId }),
    chargePayment:
      which === 'charge'
        ? () => {
            if (Context.current().info.isLocal) throw new Error('payments: 503 provider unavailable');
            return held();
          }
        : which === 'local-charge'
          ? hung
          : which === 'cart'
            ? async () => ({ chargeId: 'ch_1' })
            : async () => {
                throw ApplicationFailure.create({ type: 'ProviderMisconfigured', message: 'payments: the provider refused our API key', nonRetryable: true });
              },
    extendReservation: which === 'extension' ? held : async () => undefined,
    createOrder: async ({ orderId }) => ({ orderId }),
    commitInventory: async () => undefined,
    completeCart: hung,
  };
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: address! }),
    taskQueue: taskQueue!,
    workflowsPath: require.resolve('../../workflows'),
    activities,
  });
  process.stdout.write('READY\n');
  await worker.run();
}

void main();
