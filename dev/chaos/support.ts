/**
 * The run's support person, working through the Temporal client as the
 * runbook does from the UI: a checkout waiting for them is retried, and
 * cancelled when retrying does not help. A provider-error checkout is
 * retried once (the provider still fails) and then cancelled; any other
 * (a step that ran out of retries while parts were down) is retried up to
 * three times before it is cancelled.
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { cancelCheckoutUpdate, retryCheckoutUpdate } from '../../workflows/messages';
import { sleep } from './calls';
import type { CheckoutRecord } from './shoppers';

const ACTOR = 'chaos-support@shop.example';
const RETRIES_BEFORE_CANCEL = 3;
const TRY_AGAIN_MS = 1_000;

export interface SupportDecision {
  checkoutId: string;
  action: 'retry' | 'cancel';
  /** Seconds since the run began. */
  at: number;
}

export class SupportDesk {
  readonly decisions: SupportDecision[] = [];
  private readonly busy = new Set<string>();

  constructor(
    private readonly client: Client,
    private readonly signal: AbortSignal,
    private readonly elapsed: () => number,
  ) {}

  /** A shopper saw the checkout waiting for support. */
  notice(record: CheckoutRecord): void {
    if (this.busy.has(record.checkoutId)) return;
    this.busy.add(record.checkoutId);
    void this.decide(record).finally(() => this.busy.delete(record.checkoutId));
  }

  private async decide(record: CheckoutRecord): Promise<void> {
    const taken = this.decisions.filter((decision) => decision.checkoutId === record.checkoutId).length;
    const retriesAllowed = record.scenario === 'provider-error' ? 1 : RETRIES_BEFORE_CANCEL;
    const action = taken < retriesAllowed ? 'retry' : 'cancel';
    const handle = this.client.workflow.getHandle(record.workflowId);
    // One id per decision: a repeat after a lost answer is the same update.
    const updateId = `chaos-support-${record.checkoutId}-${taken}`;
    let failedBefore = false;
    while (!this.signal.aborted) {
      try {
        if (action === 'retry') {
          await handle.executeUpdate(retryCheckoutUpdate, { args: [{ reason: 'the chaos run retries it', actor: ACTOR }], updateId });
        } else {
          await handle.executeUpdate(cancelCheckoutUpdate, { args: [{ reason: 'the chaos run gives up on it', by: 'support', actor: ACTOR }], updateId });
        }
        this.decisions.push({ checkoutId: record.checkoutId, action, at: this.elapsed() });
        return;
      } catch (error) {
        // Refused: it no longer waits (a decision was taken already, or it went on): nothing to do.
        if (error instanceof WorkflowUpdateFailedError) return;
        // Temporal or the worker is away: ask again. Said once, so a cause that does not pass is seen.
        if (!failedBefore) console.error(`chaos | support could not ${action} ${record.checkoutId} yet, trying again: ${error instanceof Error ? error.message : String(error)}`);
        failedBefore = true;
        await sleep(TRY_AGAIN_MS, this.signal);
      }
    }
  }
}
