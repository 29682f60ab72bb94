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
import { workflowSpanSinks } from '../../platform/telemetry/workflow-spans';

const historyFiles = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  quietRuntime();
  workflowBundle = await bundleWorkflows();
}, 120_000);

it('has recorded histories to replay', () => {
  expect(historyFiles).toEqual(
    expect.arrayContaining([
      // Before the safe-edges patch.
      'completed.json',
      'payment-declined.json',
      'order-rejected-refund-refused.json',
      'cancelled-while-charging.json',
      // The paths production took since (until post-order-local-steps): the gateway's update-with-start, the customer's cancel, support's retry by signal, the deadline.
      'cart-update-with-start.json',
      'customer-cancelled-while-charging.json',
      'support-retried-by-signal.json',
      'support-deadline-passed.json',
      // Since post-order-local-steps: emptying the cart and notifying as local activities, flagged when one fails, retried after a timer.
      'local-steps-cart-update-with-start.json',
      'local-steps-cart-not-completed.json',
      'local-steps-declined-told-once-undone.json',
      'local-steps-cart-completion-retried.json',
      // An update meeting an activity's result in one task, after a worker crash (record-update-races.ts).
      'race-customer-cancel-with-charge-result.json',
      'race-support-retry-with-extension-result.json',
      'race-support-cancel-with-extension-result.json',
      // Since local-first-forward-steps: lock, reserve, charge and order tried in the worker first (markers), as activities
      // when that fails; the customer's cancel during the charge in the worker and in its activity; support's retry; the deadline.
      'local-first-cart-update-with-start.json',
      'local-first-declined-told-once-undone.json',
      'local-first-charge-retried-as-activity.json',
      'local-first-customer-cancelled-while-charging.json',
      'local-first-customer-cancel-during-local-charge.json',
      'local-first-support-retried-by-signal.json',
      'local-first-support-deadline-passed.json',
      'local-first-traced-cart-update-with-start.json',
      'race-local-first-customer-cancel-with-charge-result.json',
      'race-local-first-support-retry-with-extension-result.json',
      // Started by a traced client (trace context in the headers, spans made in the sandbox), recorded while
      // OpenTelemetry's workflow module was loaded into every workflow; it is now loaded only by traced ones.
      'traced-cart-update-with-start.json',
      'traced-customer-cancelled-while-charging.json',
    ]),
  );
});

it.each(historyFiles)('replays %s without nondeterminism', async (file) => {
  const history = historyFromText(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
  // With the shop's codec and span sink, as the worker replays them: payloads from before the codec pass through it.
  await Worker.runReplayHistory({ workflowBundle, dataConverter: testDataConverter(), sinks: workflowSpanSinks() }, history, `replay-${file}`);
});
