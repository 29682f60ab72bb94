/**
 * Replays recorded checkout histories against the current workflow code. A
 * failure means the change would break checkouts that are already running
 * (a nondeterminism error): guard it with `patched()` instead of re-recording.
 * See record-histories.ts for how the histories were made.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, HISTORIES_DIR, historyFromText, quietRuntime } from './support';
import { testDataConverter } from '../support/temporal-codec';

const historyFiles = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  quietRuntime();
  workflowBundle = await bundleWorkflows();
}, 120_000);

it('has recorded histories to replay', () => {
  expect(historyFiles).toEqual(
    expect.arrayContaining(['completed.json', 'payment-declined.json', 'order-rejected-refund-refused.json', 'cancelled-while-charging.json']),
  );
});

it.each(historyFiles)('replays %s without nondeterminism', async (file) => {
  const history = historyFromText(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
  // With the shop's codec, as the worker replays them: payloads from before the codec pass through it.
  await Worker.runReplayHistory({ workflowBundle, dataConverter: testDataConverter() }, history, `replay-${file}`);
});
