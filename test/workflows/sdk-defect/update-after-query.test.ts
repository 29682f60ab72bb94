/**
 * Issue 13, reduced to its root cause: a defect of the SDK (sdk-core as shipped
 * in @temporalio/worker 1.24.0), shown with the smallest workflow that has it.
 *
 * When a worker dies with a workflow task on its sticky queue, and a query for
 * that workflow reaches a freshly started worker before the task does, the new
 * worker answers the query by replaying the history it was given, which already
 * holds the activity's result: the workflow runs on past `await first()` and
 * makes its next commands (the memo, `second` scheduled). Then the real task
 * arrives, carrying an update that came in meanwhile, and the update is handed
 * over in an activation of its own: it is accepted AFTER those commands. A later
 * replay hands the update and the activity result over in ONE activation, where
 * the SDK sorts updates first (sdk-core `prepare_to_ship_activation`), so the
 * replay accepts the update BEFORE the memo and fails:
 *   [TMPRL1100] Nondeterminism error: Update machine does not handle this event
 * which is what the two stuck checkouts in histories-stuck/ show. No workflow
 * code can replay both orders from the same activation, so the shop removes the
 * triggers instead (README, docs/runbook.md): the gateway never queries a
 * checkout, and every submit shares one update id, so a re-submit adds no update.
 *
 * Upstream: the same family as temporalio/sdk-rust#943 (an update after a timed
 * out workflow task, fixed) and #1146 (workflow tasks collapsed one way when first
 * run and another on replay, open); this path (a legacy query task splitting the
 * next workflow task) has no issue of its own yet. When a version of the SDK fixes
 * it, the first test fails: then the shop may query again, and this file goes.
 */
import { CompleteAsyncError, Context } from '@temporalio/activity';
import { randomUUID } from 'node:crypto';
import { Client, Connection, WithStartWorkflowOperation, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { temporalCliPath } from '../../../dev/temporal-binaries';
import { startTemporalDevServer, type TemporalDevServer } from '../../../dev/temporal-dev-server';
import { eventually } from '../../support/eventually';
import { admitted, startWorkerToKill } from '../crash-support';
import { getFreePort } from '../../support/ports';
import { quietRuntime } from '../support';
import { waitUpdate } from './workflow';

jest.setTimeout(180_000);

const { EventType } = temporal.api.enums.v1;
type History = temporal.api.history.v1.IHistory;

let server: TemporalDevServer;
let client: Client;
let native: NativeConnection;
let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  quietRuntime();
  server = await startTemporalDevServer({
    cliPath: temporalCliPath()!,
    port: await getFreePort(),
    uiPort: false,
    // Support's search finds a stuck workflow after 5 failed tasks by default; 2 is enough to show it, sooner.
    dynamicConfig: { 'system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute': 2 },
  });
  client = new Client({ connection: await Connection.connect({ address: server.address }) });
  native = await NativeConnection.connect({ address: server.address });
  workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflow'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
}, 120_000);

afterAll(async () => {
  await native?.close();
  await client?.connection.close();
  await server?.stop();
});

/**
 * Runs the workflow up to `first`, kills its worker, completes `first` from outside and
 * sends a second update while no worker runs; with `queried`, a query is also waiting.
 * A fresh worker then finishes the workflow. Returns its history.
 */
async function crashWithUpdate({ queried }: { queried: boolean }): Promise<History> {
  const { handle, secondUpdate, firstUpdate, query, taskQueue } = await crashUntilTheNewWorker({ queried });
  const worker = await Worker.create({ connection: native, taskQueue, workflowBundle, activities: { first: async () => undefined, second: async () => undefined } });
  await worker.runUntil(async () => {
    await Promise.all([secondUpdate, firstUpdate.result(), handle.result(), query]);
  });
  return handle.fetchHistory();
}

async function crashUntilTheNewWorker({ queried }: { queried: boolean }) {
  const taskQueue = `sdk-defect-${randomUUID()}`;
  const workflowId = `update-meets-activity-${randomUUID()}`;
  const worker = await startWorkerToKill(require.resolve('./worker-to-kill'), [server.address, taskQueue]);
  const start = new WithStartWorkflowOperation('updateMeetsActivity', { workflowId, taskQueue, workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING });
  const firstUpdate = await client.workflow.startUpdateWithStart(waitUpdate, { waitForStage: WorkflowUpdateStage.ACCEPTED, startWorkflowOperation: start });
  const taskToken = await worker.token;
  await worker.kill();
  const handle: WorkflowHandle = client.workflow.getHandle(workflowId);
  // The only wait here of its own: for the query to reach a task queue before the activity's result does.
  const query = queried ? handle.query('__stack_trace').catch(() => undefined) : undefined;
  if (queried) await new Promise((resolve) => setTimeout(resolve, 1000));
  await client.activity.complete(taskToken, undefined);
  const secondUpdateId = randomUUID();
  const secondUpdate = handle.executeUpdate(waitUpdate, { updateId: secondUpdateId });
  await admitted(client, workflowId, secondUpdateId);
  return { handle, secondUpdate, firstUpdate, query, taskQueue };
}

/** Whether the second update was accepted after the commands that followed `first` in the same task (the split). */
function acceptedAfterTheCommands(history: History): boolean {
  const events = history.events ?? [];
  const accepted = events.filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)[1];
  const memo = events.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED);
  return accepted !== undefined && memo !== undefined && Number(accepted.eventId) > Number(memo.eventId);
}

async function replay(history: History): Promise<unknown> {
  return Worker.runReplayHistory({ workflowBundle }, history, `replay-${randomUUID()}`).then(
    () => undefined,
    (error: unknown) => error,
  );
}

it('records an update after the commands when a query ran first on the new worker, and cannot replay it', async () => {
  let history: History | undefined;
  // The split needs the query to reach the new worker before the workflow task: a few tries at most.
  for (let attempt = 0; attempt < 3 && !history; attempt += 1) {
    const recorded = await crashWithUpdate({ queried: true });
    if (acceptedAfterTheCommands(recorded)) history = recorded;
  }
  expect(history).toBeDefined();
  const error = await replay(history!);
  expect(error).toBeInstanceOf(DeterminismViolationError);
  expect(String(error)).toMatch(/Update machine does not handle this event.*WorkflowPropertiesModified/);
});

it('records the update before the commands, and replays, when no query got there first', async () => {
  const history = await crashWithUpdate({ queried: false });
  expect(acceptedAfterTheCommands(history)).toBe(false);
  expect(await replay(history)).toBeUndefined();
});

it('leaves a checkout stuck once a worker replays it; TemporalReportedProblems finds it, and a reset to the split task recovers it', async () => {
  let split: Awaited<ReturnType<typeof crashUntilTheNewWorker>> | undefined;
  let secondToken: Uint8Array | undefined;
  for (let attempt = 0; attempt < 3 && !split; attempt += 1) {
    const run = await crashUntilTheNewWorker({ queried: true });
    // The new worker takes the split task; `second` is then left running, so the workflow is still open.
    const worker = await Worker.create({
      connection: native,
      taskQueue: run.taskQueue,
      workflowBundle,
      activities: {
        first: async () => undefined,
        second: async () => {
          secondToken = Context.current().info.taskToken;
          throw new CompleteAsyncError();
        },
      },
    });
    await worker.runUntil(() => eventually('second to start', async () => secondToken));
    if (acceptedAfterTheCommands(await run.handle.fetchHistory())) split = run;
    else secondToken = undefined;
  }
  expect(split).toBeDefined();
  const { handle, taskQueue } = split!;
  // The shopper's calls of the first run end when the reset closes it; nobody waits for them here.
  for (const pending of [split!.secondUpdate, split!.firstUpdate.result(), split!.query]) void pending?.catch(() => undefined);

  // A worker without the workflow in its cache (a restart, an eviction) replays it when `second` is done, and fails.
  await client.activity.complete(secondToken!, undefined);
  const replaying = await Worker.create({ connection: native, taskQueue, workflowBundle, activities: { first: async () => undefined, second: async () => undefined } });
  await replaying.runUntil(async () => {
    const found = await eventually(
      'TemporalReportedProblems on the stuck workflow',
      async () => {
        const ids: string[] = [];
        for await (const execution of client.workflow.list({ query: `WorkflowId = '${handle.workflowId}' AND TemporalReportedProblems IN ('category=WorkflowTaskFailed')` })) ids.push(execution.workflowId);
        return ids.length > 0 ? ids : undefined;
      },
      60_000,
    );
    expect(found).toEqual([handle.workflowId]);
  });
  const failures = (await handle.fetchHistory()).events!.filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
  expect(failures.at(-1)!.workflowTaskFailedEventAttributes!.failure!.message).toMatch(/Nondeterminism error: Update machine does not handle this event: HistoryEvent\(id: (\d+)/);

  // The runbook's recovery: reset to the workflow task whose commands the replay disagrees with.
  const splitTask = splitTaskOf(await handle.fetchHistory());
  const { runId } = await client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId: handle.workflowId },
    workflowTaskFinishEventId: splitTask,
    reason: 'test: recover from the SDK defect',
    requestId: randomUUID(),
  });
  const recovered = await Worker.create({ connection: native, taskQueue, workflowBundle, activities: { first: async () => undefined, second: async () => undefined } });
  const result = await recovered.runUntil(() => client.workflow.getHandle(handle.workflowId, runId!).result());
  expect(result).toBe('ok');
  expect(await replay(await client.workflow.getHandle(handle.workflowId, runId!).fetchHistory())).toBeUndefined();
});

/** The WorkflowTaskCompleted event whose commands include the late update acceptance: the task to reset to. */
function splitTaskOf(history: History) {
  const events = history.events ?? [];
  const memo = events.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED)!;
  return memo.workflowPropertiesModifiedEventAttributes!.workflowTaskCompletedEventId!;
}
