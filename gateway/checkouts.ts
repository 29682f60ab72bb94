/**
 * The checkout endpoints: the shopper's way into the checkout workflow.
 *
 * POST /checkouts records the checkout (orders service: the key, a fingerprint
 * of the request), then starts the workflow and asks for its outcome in the
 * same call (update-with-start): the answer comes back as soon as the order is
 * placed or the checkout failed and was undone, or after OUTCOME_WAIT_MS as a
 * 202 to follow. The checkout id comes from the customer and their
 * Idempotency-Key, an existing workflow is joined, and every submit shares one
 * update id, so repeats, however many at once, find the first checkout and
 * add nothing to it. A key whose checkout Temporal has forgotten (retention)
 * is answered from the record, never started again.
 */
import { createHash } from 'node:crypto';
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { stringify } from 'safe-stable-stringify';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  isGrpcDeadlineError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { hasRole, mayAccessCustomer, requirePrincipal, requireRole } from '../platform/auth';
import { HttpProblem, notFound } from '../platform/http/problem';
import { parseRequest } from '../platform/http/validate';
import { nonBlankText } from '../platform/http/zod-helpers';
import { ShippingAddress as SharedShippingAddress } from '../platform/http/shared-schemas';
import { IDEMPOTENCY_HEADER, readIdempotencyKey } from '../platform/idempotency';
import type { OrdersClient } from '../services/orders/client';
import type { components as OrdersComponents } from '../services/orders/api.gen';
import type { UsersClient } from '../services/users/client';
import { BUSINESS_FAILURES } from '../workflows/failures';
import { awaitOutcomeUpdate, cancelCheckoutUpdate, checkoutWorkflowId, OUTCOME_UPDATE_ID, type CheckoutInput } from '../workflows/messages';
import type { components } from './api.gen';
import { liveCheckout, readCheckoutView, viewFromRecord, viewFromState, type CheckoutRecord, type CheckoutView } from './checkout-view';

type Schemas = components['schemas'];
type OrdersSchemas = OrdersComponents['schemas'];

/** How long POST /checkouts holds the request for the outcome before answering 202 (GATEWAY_CHECKOUT_WAIT_MS sets another). */
export const OUTCOME_WAIT_MS = 5_000;

// The address is handed on to the orders service as it is: its rules are the orders service's, and the spec types agree.
const ShippingAddress = SharedShippingAddress satisfies z.ZodType<Schemas['ShippingAddress']>;

export const StartCheckoutRequest = z.strictObject({
  paymentMethodId: z.string().min(1).max(64).regex(/^pm_[A-Za-z0-9_-]+$/, 'must be a payment method token (pm_...)'),
  shippingAddress: ShippingAddress,
}) satisfies z.ZodType<Schemas['StartCheckoutRequest']>;

const CancelCheckoutRequest = z
  .strictObject({ reason: nonBlankText(500).optional() })
  .optional()
  .transform((body) => body ?? {}) satisfies z.ZodType<Schemas['CancelCheckoutRequest']>;

const CheckoutIdParams = z.strictObject({ checkoutId: z.uuid('must be a UUID') });

export interface CheckoutsOptions {
  /** Temporal, connected lazily: the gateway serves everything else while Temporal is away. */
  temporal: () => Promise<Client>;
  taskQueue: string;
  /** The users service, to read the customer's e-mail and phone with their own token. */
  users: UsersClient;
  /** The orders service, called as the gateway's own service client: it keeps the checkout records. */
  orders: OrdersClient;
  outcomeWaitMs?: number;
}

/** One checkout per customer and key: the id is derived from both, so a repeat lands on the same workflow. */
export function checkoutIdFor(customerId: string, idempotencyKey: string): string {
  const hex = createHash('sha256').update(`${customerId}\n${idempotencyKey}`).digest('hex');
  // A UUID (version 8, custom) so it reads like every other id.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function fingerprintOf(body: unknown): string {
  return createHash('sha256').update(stringify(body) ?? '').digest('hex');
}

/** A failed checkout as the shopper's problem: 402 for the card, 409/422 for the cart and stock. */
function failureProblem(view: CheckoutView): HttpProblem {
  const failure = view.failure!;
  const extensions = { checkoutId: view.id, failureType: failure.type, statusUrl: view.statusUrl };
  switch (failure.type) {
    case BUSINESS_FAILURES.PaymentDeclined:
    case BUSINESS_FAILURES.InsufficientFunds:
      return new HttpProblem(402, 'payment-declined', 'The card was declined', failure.message, { ...extensions, declineReason: failure.type });
    case BUSINESS_FAILURES.OutOfStock:
      return new HttpProblem(409, 'out-of-stock', 'Not enough stock', failure.message, extensions);
    case BUSINESS_FAILURES.CartLocked:
      return new HttpProblem(409, 'cart-locked', 'Another checkout is running on this cart', failure.message, extensions);
    case BUSINESS_FAILURES.CartEmpty:
      return new HttpProblem(422, 'cart-empty', 'The cart is empty', failure.message, extensions);
    case BUSINESS_FAILURES.ProductUnavailable:
      return new HttpProblem(422, 'product-unavailable', 'An item in the cart is no longer available', failure.message, extensions);
    case BUSINESS_FAILURES.CartTooLarge:
      return new HttpProblem(422, 'cart-total-too-large', 'The cart totals more than one order may', failure.message, extensions);
    default:
      return new HttpProblem(409, 'checkout-failed', 'The checkout failed', failure.message, extensions);
  }
}

function unavailable(what: string, error: unknown): HttpProblem {
  return new HttpProblem(503, 'checkout-unavailable', 'Checkouts are not available right now', `${what}: ${error instanceof Error ? error.message : String(error)}. Try again with the same Idempotency-Key.`);
}

async function withTemporal<T>(options: CheckoutsOptions, work: (client: Client) => Promise<T>): Promise<T> {
  let client: Client;
  try {
    client = await options.temporal();
  } catch (error) {
    throw unavailable('Temporal', error);
  }
  return work(client);
}

async function contactOf(users: UsersClient, customerId: string, authorization: string): Promise<{ email: string; phone?: string }> {
  const { data, response } = await users.GET('/users/{userId}', { params: { path: { userId: customerId } }, headers: { authorization } }).catch((error: unknown) => {
    throw new HttpProblem(503, 'service-unavailable', 'A service is not available', `users: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!data) throw new HttpProblem(response.status === 404 ? 403 : 503, 'profile-unavailable', 'Your profile could not be read', `users answered ${response.status}`);
  return { email: data.email, ...(data.phone ? { phone: data.phone } : {}) };
}

/** Records the checkout before anything starts it: a key once used never starts a second checkout, even after Temporal forgot the first. */
async function recordCheckout(orders: OrdersClient, checkoutId: string, body: OrdersSchemas['RecordCheckoutRequest']): Promise<CheckoutRecord> {
  const { data, response } = await orders.PUT('/checkouts/{checkoutId}', { params: { path: { checkoutId } }, body }).catch((error: unknown) => {
    throw unavailable('orders', error);
  });
  if (!data) throw unavailable('orders', new Error(`answered ${response.status} recording the checkout`));
  return data;
}

async function readRecord(orders: OrdersClient, checkoutId: string): Promise<CheckoutRecord | undefined> {
  const { data, response } = await orders.GET('/checkouts/{checkoutId}', { params: { path: { checkoutId } } }).catch((error: unknown) => {
    throw unavailable('orders', error);
  });
  if (data) return data;
  if (response.status === 404) return undefined;
  throw unavailable('orders', new Error(`answered ${response.status} reading the checkout`));
}

/**
 * The checkout as it stands: the record, and Temporal's view when it can be had. No worker is
 * needed, and the record answers alone once Temporal has forgotten the workflow (or is away).
 */
async function readCheckout(options: CheckoutsOptions, checkoutId: string): Promise<CheckoutView | undefined> {
  return readCheckoutView(
    checkoutId,
    () => readRecord(options.orders, checkoutId),
    () =>
      options
        .temporal()
        .then((client) => liveCheckout(client, checkoutId))
        .catch(() => undefined),
  );
}

function isSettled(view: CheckoutView): boolean {
  return view.orderId !== undefined || view.status === 'completed' || (view.status === 'failed' && view.failure !== undefined);
}

/** 201 with the order, the failure as a problem, or 202 to follow. */
function answer(res: Response, view: CheckoutView): void {
  res.setHeader('Location', view.statusUrl);
  if (view.orderId !== undefined || view.status === 'completed') {
    res.status(201).json(view);
    return;
  }
  if (view.failure && !view.waitingForSupport && view.status === 'failed') throw failureProblem(view);
  res.status(202).json(view);
}

/** What one submit of a checkout comes to: recorded, started (or joined), and its outcome or how it stands. */
async function submitCheckout(
  options: CheckoutsOptions,
  submit: { checkoutId: string; customerId: string; key: string; requestFingerprint: string; body: Schemas['StartCheckoutRequest']; authorization: string },
): Promise<CheckoutView> {
  const { checkoutId, customerId, key, requestFingerprint, body, authorization } = submit;
  const record = await recordCheckout(options.orders, checkoutId, { customerId, idempotencyKey: key, requestFingerprint });
  if (record.requestFingerprint && record.requestFingerprint !== requestFingerprint) {
    throw new HttpProblem(422, 'idempotency-key-reused', 'Idempotency key already used for a different request', `The key '${key}' started checkout ${checkoutId} with another body; use a new key for a new checkout.`);
  }
  // Settled long ago, perhaps: the record answers, and Temporal is not asked to start anything.
  if (record.status !== 'started') return viewFromRecord(checkoutId, record, undefined)!;
  const contact = await contactOf(options.users, customerId, authorization);
  const input: CheckoutInput = {
    checkoutId,
    customerId,
    customerEmail: contact.email,
    ...(contact.phone ? { customerPhone: contact.phone } : {}),
    paymentMethodId: body.paymentMethodId,
    shippingAddress: body.shippingAddress,
    requestFingerprint,
  };

  const outcome = await withTemporal(options, async (client) => {
    const startOptions = {
      workflowId: checkoutWorkflowId(checkoutId),
      taskQueue: options.taskQueue,
      args: [input] as [CheckoutInput],
      // A running checkout with this id is joined; a finished one is never started again.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    };
    try {
      // Every submit of this checkout shares one update (one id), however many arrive at once. The
      // deadline bounds the whole wait, the update's acceptance included: with no worker running, an
      // update is never accepted, and the answer is then a 202 to follow.
      const settled = await client.withDeadline(Date.now() + (options.outcomeWaitMs ?? OUTCOME_WAIT_MS), async () => {
        const update = await client.workflow.startUpdateWithStart(awaitOutcomeUpdate, {
          updateId: OUTCOME_UPDATE_ID,
          waitForStage: WorkflowUpdateStage.ACCEPTED,
          startWorkflowOperation: new WithStartWorkflowOperation('checkoutWorkflow', startOptions),
        });
        return update.result();
      });
      // A checkout started before its record existed carries the fingerprint itself.
      if (settled.requestFingerprint && settled.requestFingerprint !== requestFingerprint) {
        throw new HttpProblem(422, 'idempotency-key-reused', 'Idempotency key already used for a different request', `The key '${key}' started checkout ${checkoutId} with another body; use a new key for a new checkout.`);
      }
      const view = viewFromState(settled);
      // Waiting for support when the update answered may be over by now: say how it stands.
      if (isSettled(view)) return view;
    } catch (error) {
      if (error instanceof HttpProblem) throw error;
      if (isGrpcDeadlineError(error) || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        // Not settled in time. The checkout must exist though, worker or not (a start needs none).
        await client.workflow.start('checkoutWorkflow', startOptions).catch((startError: unknown) => {
          if (!(startError instanceof WorkflowExecutionAlreadyStartedError)) throw unavailable('Temporal', startError);
        });
      } else if (!(error instanceof WorkflowExecutionAlreadyStartedError || error instanceof WorkflowUpdateFailedError)) {
        // Otherwise it already ended (a key used before), or the update was refused: the checkout as it stands is the answer.
        throw unavailable('Temporal', error);
      }
    }
    return readCheckout(options, checkoutId);
  });
  if (!outcome) throw unavailable('Temporal', new Error(`checkout ${checkoutId} was recorded but cannot be read`));
  return outcome;
}

export function checkoutsRouter(options: CheckoutsOptions): Router {
  const router = Router();
  router.use('/checkouts', express.json({ limit: '16kb', type: ['application/json', 'application/*+json'] }));

  // Submits of one checkout with one body that arrive together (a double click, a client's retries)
  // share one submission: one record write, one profile read, one update-with-start, one answer.
  const submitting = new Map<string, Promise<CheckoutView>>();

  router.post('/checkouts', async (req, res) => {
    const principal = requireRole(req, 'customer');
    const body = parseRequest('body', StartCheckoutRequest, req.body);
    const key = readIdempotencyKey(req.headers[IDEMPOTENCY_HEADER], true)!;
    const checkoutId = checkoutIdFor(principal.subject, key);
    const requestFingerprint = fingerprintOf(body);
    const together = `${checkoutId} ${requestFingerprint}`;
    let submission = submitting.get(together);
    if (!submission) {
      submission = submitCheckout(options, { checkoutId, customerId: principal.subject, key, requestFingerprint, body, authorization: req.headers.authorization! }).finally(() =>
        submitting.delete(together),
      );
      submitting.set(together, submission);
    }
    answer(res, await submission);
  });

  router.get('/checkouts/:checkoutId', async (req, res) => {
    const principal = requirePrincipal(req);
    const { checkoutId } = parseRequest('params', CheckoutIdParams, req.params);
    const view = await readCheckout(options, checkoutId);
    // Someone else's checkout is answered as missing.
    if (!view || !mayAccessCustomer(principal, view.customerId, 'read')) throw notFound('Checkout', checkoutId);
    res.json(view);
  });

  router.post('/checkouts/:checkoutId/cancel', async (req, res) => {
    const principal = requireRole(req, 'customer', 'support', 'admin');
    const { checkoutId } = parseRequest('params', CheckoutIdParams, req.params);
    const body = parseRequest('body', CancelCheckoutRequest, req.body);
    const current = await readCheckout(options, checkoutId);
    if (!current || (!mayAccessCustomer(principal, current.customerId, 'write') && !hasRole(principal, 'support'))) throw notFound('Checkout', checkoutId);
    const notCancellable = (why: string) => new HttpProblem(409, 'not-cancellable', 'The checkout cannot be cancelled', why, { checkoutId });
    if (current.step === 'done' || current.status === 'completed' || current.status === 'failed') throw notCancellable(`It has already ended (${current.status})`);
    const by = hasRole(principal, 'support', 'admin') ? 'support' : 'customer';
    const state = await withTemporal(options, async (client) => {
      try {
        return await client.workflow
          .getHandle(checkoutWorkflowId(checkoutId))
          .executeUpdate(cancelCheckoutUpdate, { args: [{ reason: body.reason ?? `cancelled by the ${by}`, by, actor: principal.subject }] });
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) throw notCancellable(error.cause instanceof Error ? error.cause.message : 'it can no longer be cancelled');
        // It ended between reading it and asking: say how.
        if (error instanceof WorkflowNotFoundError) throw notCancellable(`It has already ended (${(await readCheckout(options, checkoutId))?.status ?? 'ended'})`);
        throw unavailable('Temporal', error);
      }
    });
    res.json(viewFromState(state));
  });

  return router;
}
