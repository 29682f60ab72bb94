/**
 * How the gateway puts the record and Temporal's view of a checkout together when the two reads
 * straddle the workflow recording its failure. The two readers here are plain functions standing
 * in for the orders service and Temporal (a unit test: the HTTP and gRPC calls are not the subject);
 * the end-to-end behaviour is the chaos run's "shopper-told-the-truth" check.
 */
import { readCheckoutView, type CheckoutRecord, type LiveCheckout } from '../../gateway/checkout-view';

const CHECKOUT_ID = '0b6c6ec4-6a55-4c55-8f4c-3d1f6b0c1a11';
const CUSTOMER_ID = 'usr_ada';
const AT = '2026-12-05T05:00:00.000Z';

const started: CheckoutRecord = { id: CHECKOUT_ID, customerId: CUSTOMER_ID, status: 'started', createdAt: AT, updatedAt: AT };
const failed: CheckoutRecord = {
  ...started,
  status: 'failed',
  failure: { type: 'CancelledByCustomer', message: 'changed my mind', step: 'charging_payment' },
};
const publishedFailed: LiveCheckout = { customerId: CUSTOMER_ID, status: 'failed', step: 'compensating', waitingForSupport: false, closed: false };

/** Answers each read with the next record in turn, and counts the reads. */
function recordReader(...answers: (CheckoutRecord | undefined)[]) {
  const reader = async () => {
    reader.reads++;
    return answers[Math.min(reader.reads - 1, answers.length - 1)];
  };
  reader.reads = 0;
  return reader;
}

it('reads the record again when Temporal says failed and the record was read just before the failure went into it', async () => {
  const readRecord = recordReader(started, failed);
  const view = await readCheckoutView(CHECKOUT_ID, readRecord, async () => publishedFailed);
  expect(view).toMatchObject({ status: 'failed', failure: { type: 'CancelledByCustomer', message: 'changed my mind' } });
  expect(readRecord.reads).toBe(2);
});

it('reads the record once when the two agree, or while the checkout runs', async () => {
  const agreeing = recordReader(failed);
  expect(await readCheckoutView(CHECKOUT_ID, agreeing, async () => publishedFailed)).toMatchObject({ status: 'failed', failure: { type: 'CancelledByCustomer' } });
  expect(agreeing.reads).toBe(1);

  const running = recordReader(started);
  const live: LiveCheckout = { ...publishedFailed, status: 'running', step: 'charging_payment' };
  expect(await readCheckoutView(CHECKOUT_ID, running, async () => live)).toMatchObject({ status: 'running', step: 'charging_payment' });
  expect(running.reads).toBe(1);
});

it('still says failed, without a failure, when the record never got one (a workflow terminated by hand)', async () => {
  const readRecord = recordReader(started);
  const terminated: LiveCheckout = { ...publishedFailed, step: 'done', closed: true };
  const view = await readCheckoutView(CHECKOUT_ID, readRecord, async () => terminated);
  expect(view).toMatchObject({ status: 'failed', step: 'done' });
  expect(view?.failure).toBeUndefined();
  expect(readRecord.reads).toBe(2);
});
