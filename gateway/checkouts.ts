/**
 * The checkout endpoints: the shopper's way into the checkout workflow.
 *
 * POST /checkouts starts the workflow and asks for its outcome in the same
 * call (update-with-start): the answer comes back as soon as the order is
 * placed or the checkout failed, or after OUTCOME_WAIT_MS as a 202 to follow.
 * The workflow id comes from the customer and their Idempotency-Key, and an
 * existing workflow is reused, so a repeated submit finds the first checkout
 * and never starts a second one, however many arrive at once.
 */
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { stringify } from 'safe-stable-stringify';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { hasRole, mayAccessCustomer, requirePrincipal, requireRole } from '../platform/auth';
import { HttpProblem, notFound } from '../platform/http/problem';
import { parseRequest } from '../platform/http/validate';
import { nonBlankText } from '../platform/http/zod-helpers';
import { ShippingAddress as OrdersShippingAddress } from '../services/orders/schemas';
import { IDEMPOTENCY_HEADER, readIdempotencyKey } from '../platform/idempotency';
import type { UsersClient } from '../services/users/client';
import { BUSINESS_FAILURES } from '../workflows/failures';
import {
  awaitOutcomeUpdate,
  cancelCheckoutUpdate,
  checkoutWorkflowId,
  getCheckoutStateQuery,
  type CheckoutInput,
  type CheckoutState,
} from '../workflows/messages';
import type { components } from './api.gen';

type Schemas = components['schemas'];

/** How long POST /checkouts holds the request for the outcome before answering 202. */
export const OUTCOME_WAIT_MS = 5_000;

// The address is handed on to the orders service as it is: its rules are the orders service's, and the spec types agree.
const ShippingAddress = OrdersShippingAddress satisfies z.ZodType<Schemas['ShippingAddress']>;

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

export function toCheckoutView(state: CheckoutState): Schemas['Checkout'] {
  return {
    id: state.checkoutId,
    customerId: state.customerId,
    status: state.status,
    step: state.step,
    ...(state.lines.length > 0 ? { lines: state.lines, total: state.total } : {}),
    ...(state.ordered ? { orderId: state.orderId } : {}),
    ...(state.failure ? { failure: { type: state.failure.type, message: state.failure.message } } : {}),
    waitingForSupport: state.support !== undefined,
    statusUrl: `/checkouts/${state.checkoutId}`,
  };
}

/** A failed checkout as the shopper's problem: 402 for the card, 409/422 for the cart and stock. */
function failureProblem(state: CheckoutState): HttpProblem {
  const failure = state.failure!;
  const extensions = { checkoutId: state.checkoutId, failureType: failure.type, statusUrl: `/checkouts/${state.checkoutId}` };
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
    default:
      return new HttpProblem(409, 'checkout-failed', 'The checkout failed', failure.message, extensions);
  }
}

function temporalUnavailable(error: unknown): HttpProblem {
  return new HttpProblem(503, 'checkout-unavailable', 'Checkouts are not available right now', `Try again with the same Idempotency-Key (${error instanceof Error ? error.message : String(error)})`);
}

async function withTemporal<T>(options: CheckoutsOptions, work: (client: Client) => Promise<T>): Promise<T> {
  let client: Client;
  try {
    client = await options.temporal();
  } catch (error) {
    throw temporalUnavailable(error);
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

async function stateOf(client: Client, checkoutId: string): Promise<CheckoutState> {
  try {
    return await client.workflow.getHandle(checkoutWorkflowId(checkoutId)).query(getCheckoutStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw notFound('Checkout', checkoutId);
    throw temporalUnavailable(error);
  }
}

function sleep(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

export function checkoutsRouter(options: CheckoutsOptions): Router {
  const router = Router();
  router.use('/checkouts', express.json({ limit: '16kb', type: ['application/json', 'application/*+json'] }));

  router.post('/checkouts', async (req, res) => {
    const principal = requireRole(req, 'customer');
    const body = parseRequest('body', StartCheckoutRequest, req.body);
    const key = readIdempotencyKey(req.headers[IDEMPOTENCY_HEADER], true)!;
    const checkoutId = checkoutIdFor(principal.subject, key);
    const requestFingerprint = fingerprintOf(body);
    const contact = await contactOf(options.users, principal.subject, req.headers.authorization!);
    const input: CheckoutInput = {
      checkoutId,
      customerId: principal.subject,
      customerEmail: contact.email,
      ...(contact.phone ? { customerPhone: contact.phone } : {}),
      paymentMethodId: body.paymentMethodId,
      shippingAddress: body.shippingAddress,
      requestFingerprint,
    };

    const outcome = await withTemporal(options, async (client) => {
      const start = new WithStartWorkflowOperation('checkoutWorkflow', {
        workflowId: checkoutWorkflowId(checkoutId),
        taskQueue: options.taskQueue,
        args: [input],
        // A running checkout with this id is joined; a finished one is never started again.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      try {
        const update = await client.workflow.startUpdateWithStart(awaitOutcomeUpdate, { waitForStage: WorkflowUpdateStage.ACCEPTED, startWorkflowOperation: start });
        const settled = await Promise.race([update.result(), sleep(options.outcomeWaitMs ?? OUTCOME_WAIT_MS)]);
        return settled ?? (await stateOf(client, checkoutId));
      } catch (error) {
        if (error instanceof HttpProblem) throw error;
        // The checkout already ended (a key used before): its final state is the answer.
        if (error instanceof WorkflowExecutionAlreadyStartedError || error instanceof WorkflowUpdateFailedError) return stateOf(client, checkoutId);
        throw temporalUnavailable(error);
      }
    });

    if (outcome.requestFingerprint && outcome.requestFingerprint !== requestFingerprint) {
      throw new HttpProblem(422, 'idempotency-key-reused', 'Idempotency key already used for a different request', `The key '${key}' started checkout ${checkoutId} with another body; use a new key for a new checkout.`);
    }
    const view = toCheckoutView(outcome);
    res.setHeader('Location', view.statusUrl);
    if (outcome.ordered || outcome.status === 'completed') {
      res.status(201).json(view);
      return;
    }
    if (outcome.failure && outcome.support === undefined) throw failureProblem(outcome);
    res.status(202).json(view);
  });

  router.get('/checkouts/:checkoutId', async (req, res) => {
    const principal = requirePrincipal(req);
    const { checkoutId } = parseRequest('params', CheckoutIdParams, req.params);
    const state = await withTemporal(options, (client) => stateOf(client, checkoutId));
    // Someone else's checkout is answered as missing.
    if (!mayAccessCustomer(principal, state.customerId, 'read')) throw notFound('Checkout', checkoutId);
    res.json(toCheckoutView(state));
  });

  router.post('/checkouts/:checkoutId/cancel', async (req, res) => {
    const principal = requireRole(req, 'customer', 'support', 'admin');
    const { checkoutId } = parseRequest('params', CheckoutIdParams, req.params);
    const body = parseRequest('body', CancelCheckoutRequest, req.body);
    const state = await withTemporal(options, async (client) => {
      const current = await stateOf(client, checkoutId);
      if (!mayAccessCustomer(principal, current.customerId, 'write') && !hasRole(principal, 'support')) throw notFound('Checkout', checkoutId);
      if (current.status === 'completed' || current.status === 'failed') {
        throw new HttpProblem(409, 'not-cancellable', 'The checkout cannot be cancelled', `It has already ended (${current.status})`, { checkoutId });
      }
      const by = hasRole(principal, 'support', 'admin') ? 'support' : 'customer';
      try {
        return await client.workflow
          .getHandle(checkoutWorkflowId(checkoutId))
          .executeUpdate(cancelCheckoutUpdate, { args: [{ reason: body.reason ?? `cancelled by the ${by}`, by, actor: principal.subject }] });
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) {
          const why = error.cause instanceof Error ? error.cause.message : 'it can no longer be cancelled';
          throw new HttpProblem(409, 'not-cancellable', 'The checkout cannot be cancelled', why, { checkoutId });
        }
        // It ended between reading its state and asking.
        if (error instanceof WorkflowNotFoundError || /complete|closed|finished/i.test(String(error))) {
          throw new HttpProblem(409, 'not-cancellable', 'The checkout cannot be cancelled', 'It has already ended', { checkoutId });
        }
        throw temporalUnavailable(error);
      }
    });
    res.json(toCheckoutView(state));
  });

  return router;
}
