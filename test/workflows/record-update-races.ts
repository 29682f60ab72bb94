/**
 * Records the checkouts where an update meets an activity's result in one
 * workflow task, as happens after a worker crash (issue 13): the customer's
 * cancel arriving with the charge's result, and support's retry or cancel
 * arriving with the result of keeping the stock while the checkout waits.
 * replay.test.ts replays them (race-*.json).
 *
 *   npx tsx test/workflows/record-update-races.ts [name...]
 *
 * Each runs on a real dev server: a worker in its own process holds the
 * activity, is killed with SIGKILL, the activity is completed from outside and
 * the update sent while no worker runs; a fresh worker then takes both in one
 * task. (With a query waiting as well, the task is split, which the SDK cannot
 * replay: sdk-defect/update-after-query.test.ts. The shop never queries a checkout.)
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, WithStartWorkflowOperation, WorkflowUpdateStage } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { temporalCliPath } from '../../dev/temporal-binaries';
import { startTemporalDevServer } from '../../dev/temporal-dev-server';
import { awaitOutcomeUpdate, cancelCheckoutUpdate, checkoutWorkflowId, OUTCOME_UPDATE_ID, retryCheckoutUpdate } from '../../workflows/messages';
import { getFreePort } from '../support/ports';
import { admitted, startWorkerToKill } from './crash-support';
import { bundleWorkflows, cartCheckoutInput, HISTORIES_DIR, historyToText, quietRuntime, succeedingActivities } from './support';

const { EventType } = temporal.api.enums.v1;

interface Race {
  name: string;
  /** Which activity the killed worker holds (race-worker.ts). */
  holds: 'charge' | 'extension';
  result: unknown;
  update: (handle: ReturnType<Client['workflow']['getHandle']>, updateId: string) => Promise<unknown>;
  /** Recorded from code older than this patch: the file documents that path and is kept unless named. */
  before?: 'local-first-forward-steps';
}

const customerCancel: Race['update'] = (handle, updateId) =>
  handle.executeUpdate(cancelCheckoutUpdate, { updateId, args: [{ reason: 'changed my mind', by: 'customer', actor: 'customer-ada' }] });
const supportRetry: Race['update'] = (handle, updateId) =>
  handle.executeUpdate(retryCheckoutUpdate, { updateId, args: [{ reason: 'provider key fixed (INC-9)', actor: 'sam@shop.example' }] });

const RACES: Race[] = [
  { name: 'race-customer-cancel-with-charge-result', before: 'local-first-forward-steps', holds: 'charge', result: { chargeId: 'ch_landed' }, update: customerCancel },
  { name: 'race-support-retry-with-extension-result', before: 'local-first-forward-steps', holds: 'extension', result: undefined, update: supportRetry },
  {
    name: 'race-support-cancel-with-extension-result',
    before: 'local-first-forward-steps',
    holds: 'extension',
    result: undefined,
    update: (handle, updateId) =>
      handle.executeUpdate(cancelCheckoutUpdate, { updateId, args: [{ reason: 'customer asked by phone', by: 'support', actor: 'sam@shop.example' }] }),
  },
  // Since local-first-forward-steps: the steps before the charge ran in the worker, and the charge became an activity
  // once its local attempt failed (race-worker.ts), whose result the customer's cancel meets.
  { name: 'race-local-first-customer-cancel-with-charge-result', holds: 'charge', result: { chargeId: 'ch_landed' }, update: customerCancel },
  { name: 'race-local-first-support-retry-with-extension-result', holds: 'extension', result: undefined, update: supportRetry },
];

const succeeding = succeedingActivities();

/** The update was accepted in the very task that brought the activity's result (nothing between them but that task). */
function metInOneTask(history: temporal.api.history.v1.IHistory, activityType: string): boolean {
  const events = history.events ?? [];
  const scheduled = events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === activityType).map((event) => Number(event.eventId));
  const resulted = events.findIndex((event) => scheduled.includes(Number(event.activityTaskCompletedEventAttributes?.scheduledEventId ?? -1)));
  const accepted = events.findIndex((event, index) => index > resulted && event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED && event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name !== 'awaitOutcome');
  if (resulted < 0 || accepted < 0) return false;
  const between = events.slice(resulted + 1, accepted).filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  return between.length === 1;
}

async function record(): Promise<void> {
  quietRuntime();
  const only = process.argv.slice(2);
  const server = await startTemporalDevServer({ cliPath: temporalCliPath()!, port: await getFreePort(), uiPort: false });
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const native = await NativeConnection.connect({ address: server.address });
  const workflowBundle = await bundleWorkflows();
  try {
    for (const race of RACES.filter((candidate) => (only.length === 0 ? !candidate.before : only.includes(candidate.name)))) {
      for (let attempt = 1; ; attempt += 1) {
        const taskQueue = `race-${randomUUID()}`;
        const checkout = { ...cartCheckoutInput(), checkoutId: randomUUID() };
        const workflowId = checkoutWorkflowId(checkout.checkoutId);
        const doomed = await startWorkerToKill(require.resolve('./race-worker'), [server.address, taskQueue, race.holds]);
        await client.workflow.startUpdateWithStart(awaitOutcomeUpdate, {
          updateId: OUTCOME_UPDATE_ID,
          waitForStage: WorkflowUpdateStage.ACCEPTED,
          startWorkflowOperation: new WithStartWorkflowOperation('checkoutWorkflow', { workflowId, taskQueue, args: [checkout], workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING }),
        });
        const token = await doomed.token;
        await doomed.kill();
        await client.activity.complete(token, race.result);
        const handle = client.workflow.getHandle(workflowId);
        const updateId = randomUUID();
        const update = race.update(handle, updateId).catch((error: unknown) => error);
        await admitted(client, workflowId, updateId);
        const worker = await Worker.create({ connection: native, taskQueue, workflowBundle, activities: succeeding });
        await worker.runUntil(async () => {
          await update;
          await handle.result().catch(() => undefined);
        });
        const history = await handle.fetchHistory();
        if (!metInOneTask(history, race.holds === 'charge' ? 'chargePayment' : 'extendReservation')) {
          if (attempt >= 3) throw new Error(`${race.name}: the update and the result never met in one task`);
          continue;
        }
        const file = path.join(HISTORIES_DIR, `${race.name}.json`);
        writeFileSync(file, historyToText(history));
        console.log(`recorded ${path.relative(process.cwd(), file)} (${history.events?.length ?? 0} events)`);
        break;
      }
    }
  } finally {
    await native.close();
    await client.connection.close();
    await server.stop();
  }
}

if (require.main === module) {
  record().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
