/**
 * The smallest workflow that shows the SDK defect behind issue 13 (see
 * update-after-query.test.ts): an update whose handler waits for the work to
 * be done, and two activities with a command (a memo) between them.
 */
import { condition, defineUpdate, proxyActivities, setHandler, upsertMemo } from '@temporalio/workflow';

export const waitUpdate = defineUpdate<string>('wait');

const { first, second } = proxyActivities<{ first(): Promise<void>; second(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function updateMeetsActivity(): Promise<string> {
  let done = false;
  setHandler(waitUpdate, async () => {
    await condition(() => done);
    return 'done';
  });
  await first();
  upsertMemo({ step: 'first done' });
  await second();
  done = true;
  return 'ok';
}
