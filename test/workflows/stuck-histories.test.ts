/**
 * The two checkouts issue 13 found stuck, as exported from the server
 * (`temporal workflow show -o json`). Each recorded an update accepted after
 * the commands of the same workflow task (the SDK defect shown in
 * sdk-defect/update-after-query.test.ts), so no worker of this SDK can replay
 * it: these tests say so, and fail the day an SDK version can (then the
 * runbook's note on the defect goes). What they must still allow is the
 * runbook's recovery: a reset to the workflow task the error names replays
 * everything before it, so the checkout goes on from there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflows, historyFromText, quietRuntime } from './support';

const STUCK = path.join(__dirname, 'histories-stuck');
const { EventType } = temporal.api.enums.v1;

let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  quietRuntime();
  workflowBundle = await bundleWorkflows();
}, 120_000);

const stuck = [
  // file, the event the replay stops at, the workflow task (completed event) to reset to
  ['update-accepted-after-memo.json', 16, 15],
  ['second-update-after-order.json', 35, 34],
] as const;

describe.each(stuck)('%s', (file, failingEvent, splitTask) => {
  const history = () => historyFromText(readFileSync(path.join(STUCK, file), 'utf8'));

  it(`cannot be replayed by this SDK: it stops at event ${failingEvent}`, async () => {
    const error = await Worker.runReplayHistory({ workflowBundle }, history(), file).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(DeterminismViolationError);
    expect(String(error)).toMatch(new RegExp(`Update machine does not handle this event: HistoryEvent\\(id: ${failingEvent},`));
  });

  it(`replays up to workflow task ${splitTask}, the runbook's reset point: the last task completed before event ${failingEvent}`, async () => {
    const events = history().events!;
    const completedBefore = events.filter((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && Number(event.eventId) < failingEvent).at(-1)!;
    expect(Number(completedBefore.eventId)).toBe(splitTask);
    // What a reset to it keeps: everything before that task's completion, which it re-runs.
    const kept = { events: events.filter((event) => Number(event.eventId) < splitTask) };
    await Worker.runReplayHistory({ workflowBundle }, kept, `${file}-reset`);
  });
});
