/** The storefront's reading of the checkout view: which steps show as done, in progress, failed or undone. */
import { isFinished, progressOf, type StepState } from '../../web/src/checkout-progress';

const states = (view: Parameters<typeof progressOf>[0]): StepState[] => progressOf(view).steps.map((step) => step.state);

it('walks the steps as the workflow moves', () => {
  expect(states({ step: 'started', status: 'running' })).toEqual(['active', 'pending', 'pending', 'pending', 'pending']);
  expect(states({ step: 'reserving_inventory', status: 'running' })).toEqual(['done', 'active', 'pending', 'pending', 'pending']);
  expect(states({ step: 'charging_payment', status: 'running' })).toEqual(['done', 'done', 'active', 'pending', 'pending']);
  expect(states({ step: 'creating_order', status: 'running' })).toEqual(['done', 'done', 'done', 'active', 'pending']);
  expect(states({ step: 'completing_cart', status: 'running' })).toEqual(['done', 'done', 'done', 'done', 'active']);
  expect(states({ step: 'notifying_customer', status: 'running' })).toEqual(['done', 'done', 'done', 'done', 'active']);
  expect(progressOf({ step: 'done', status: 'completed' })).toMatchObject({ outcome: 'completed', charged: true });
  expect(states({ step: 'done', status: 'completed' })).toEqual(['done', 'done', 'done', 'done', 'done']);
});

it('shows a declined card as failed at the charge, with the earlier steps undone and nothing charged', () => {
  const progress = progressOf({ step: 'done', status: 'failed', failure: { type: 'PaymentDeclined', message: 'Your card was declined' } });
  expect(progress.steps.map((step) => [step.label, step.state])).toEqual([
    ['Cart unlocked again', 'undone'],
    ['Stock released', 'undone'],
    ['Card charged', 'failed'],
    ['Order placed', 'pending'],
    ['Customer told', 'pending'],
  ]);
  expect(progress).toMatchObject({ outcome: 'failed', charged: false });
});

it('shows out of stock as failed at the reservation, and undoing while compensations run', () => {
  expect(states({ step: 'compensating', status: 'compensating', failure: { type: 'OutOfStock', message: 'Not enough stock for MUG' } })).toEqual([
    'undone',
    'failed',
    'pending',
    'pending',
    'pending',
  ]);
  expect(progressOf({ step: 'compensating', status: 'compensating', failure: { type: 'OutOfStock', message: '' } }).outcome).toBe('undoing');
});

it('marks the stuck step while a person at the shop looks at it', () => {
  const progress = progressOf({ step: 'charging_payment', status: 'waiting_for_support', waitingForSupport: true });
  expect(progress.steps.map((step) => step.state)).toEqual(['done', 'done', 'waiting', 'pending', 'pending']);
  expect(progress).toMatchObject({ outcome: 'waiting', charged: false });
});

it('says a failure of unknown kind may have been charged and refunded', () => {
  expect(progressOf({ step: 'done', status: 'failed', failure: { type: 'Unexpected', message: 'boom' } }).charged).toBe(true);
});

it('knows when a checkout is over', () => {
  expect([isFinished({ status: 'completed' }), isFinished({ status: 'failed' }), isFinished({ status: 'running' }), isFinished({ status: 'compensating' })]).toEqual([
    true,
    true,
    false,
    false,
  ]);
});
