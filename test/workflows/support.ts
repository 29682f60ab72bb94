/**
 * Test doubles and helpers for the checkout workflow tests: a time-skipping
 * Temporal test server, recording activity mocks, and waits on a running
 * workflow that do not depend on timing.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment, type ClientOptionsForTestEnv } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type LogLevel, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { CheckoutActivities } from '../../activities/types';
import { testServerExecutable } from '../../dev/temporal-binaries';
import { registerSearchAttributes } from '../../platform/temporal-search-attributes';
import type { CheckoutInput } from '../../workflows/messages';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../worker/config';

/**
 * The time-skipping server rejects an upsert of an unregistered search
 * attribute ("search attribute X is not defined", which fails the workflow
 * task), and has no option to register them at start: they are added through
 * the operator service, as on a real server.
 */
export async function startTestEnvironment(client?: ClientOptionsForTestEnv): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() }, client });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/**
 * The tests provoke failures on purpose, and the SDK logs each one with its
 * stack; only errors are shown unless TEST_TEMPORAL_LOG_LEVEL (e.g. INFO) asks.
 * Must run before anything else uses the SDK's runtime in this test file.
 */
export function quietRuntime(): void {
  const level = (process.env.TEST_TEMPORAL_LOG_LEVEL ?? 'ERROR') as LogLevel;
  Runtime.install({ logger: new DefaultLogger(level), telemetryOptions: { logging: { filter: { core: level }, console: {} } } });
}

/** As the worker bundles them: with its workflow interceptors (tracing), so every test and replay runs them too. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: quietLogger() });
}

function quietLogger() {
  const ignore = () => undefined;
  return { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: (message: string) => console.error(message), log: ignore };
}

export function checkoutInput(): CheckoutInput {
  return {
    checkoutId: randomUUID(),
    customerId: 'customer-ada',
    customerEmail: 'ada@example.com',
    currency: 'EUR',
    lines: [
      { sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: 1250 },
      { sku: 'TEE', name: 'T-shirt', quantity: 1, unitPrice: 1999 },
    ],
    paymentMethodId: 'pm_test',
    shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
  };
}

/** 2 × 1250 + 1 × 1999, in cents. */
export const CHECKOUT_TOTAL = 4499;

/** What the mocked cart holds: 3 × 1000 + 1 × 499 cents. */
export const CART = {
  currency: 'USD',
  lines: [
    { sku: 'POSTER', name: 'Poster', quantity: 3, unitPrice: 1000 },
    { sku: 'STICKERS', name: 'Stickers', quantity: 1, unitPrice: 499 },
  ],
};
export const CART_TOTAL = 3499;

/** A checkout of the customer's cart (the gateway's kind): no lines given. */
export function cartCheckoutInput(): CheckoutInput {
  const { lines: _lines, currency: _currency, ...rest } = checkoutInput();
  return rest;
}

/** A business refusal, as the activities raise it. */
export function businessFailure(type: string, message = type): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

export type ActivityName = keyof CheckoutActivities;

export function succeedingActivities(): CheckoutActivities {
  return {
    lockCart: async () => structuredClone(CART),
    releaseCart: async () => undefined,
    completeCart: async () => undefined,
    reserveInventory: async ({ checkoutId }) => ({ reservationId: `res-${checkoutId}` }),
    releaseInventory: async () => undefined,
    commitInventory: async () => undefined,
    extendReservation: async () => undefined,
    chargePayment: async () => ({ chargeId: 'ch_1' }),
    refundPayment: async () => undefined,
    createOrder: async ({ orderId }) => ({ orderId }),
    cancelOrder: async () => undefined,
    notifyCustomer: async () => ({ notificationId: 'n_1' }),
    recordCheckoutFailure: async () => undefined,
  };
}

/**
 * Activities that succeed unless overridden, as jest mocks, with every call
 * (every attempt) logged in order to `calls`.
 */
export function recordingActivities(overrides: Partial<CheckoutActivities> = {}) {
  const calls: ActivityName[] = [];
  const implementation: CheckoutActivities = { ...succeedingActivities(), ...overrides };
  const recorded =
    <A extends unknown[], R>(name: ActivityName, run: (...args: A) => R) =>
    (...args: A): R => {
      calls.push(name);
      return run(...args);
    };
  const activities = {
    lockCart: jest.fn(recorded('lockCart', implementation.lockCart)),
    releaseCart: jest.fn(recorded('releaseCart', implementation.releaseCart)),
    completeCart: jest.fn(recorded('completeCart', implementation.completeCart)),
    reserveInventory: jest.fn(recorded('reserveInventory', implementation.reserveInventory)),
    releaseInventory: jest.fn(recorded('releaseInventory', implementation.releaseInventory)),
    commitInventory: jest.fn(recorded('commitInventory', implementation.commitInventory)),
    extendReservation: jest.fn(recorded('extendReservation', implementation.extendReservation)),
    chargePayment: jest.fn(recorded('chargePayment', implementation.chargePayment)),
    refundPayment: jest.fn(recorded('refundPayment', implementation.refundPayment)),
    createOrder: jest.fn(recorded('createOrder', implementation.createOrder)),
    cancelOrder: jest.fn(recorded('cancelOrder', implementation.cancelOrder)),
    notifyCustomer: jest.fn(recorded('notifyCustomer', implementation.notifyCustomer)),
    recordCheckoutFailure: jest.fn(recorded('recordCheckoutFailure', implementation.recordCheckoutFailure)),
  } satisfies CheckoutActivities;
  return { activities, calls };
}

export const COMPENSATIONS: readonly ActivityName[] = ['releaseCart', 'releaseInventory', 'refundPayment', 'cancelOrder'];

/** A promise the test settles by hand, to hold an activity in the middle of its call. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/**
 * Inside an activity: waits for the gate, or for the activity to be cancelled
 * (the worker shutting down after a failed assertion), so a failing test ends
 * at once instead of at the jest timeout.
 */
export function heldUntil(gate: { opened: Promise<void> }): Promise<void> {
  return Promise.race([gate.opened, Context.current().cancelled]);
}

/**
 * An activity that throws `error` on its first `times` calls, then does `then`.
 * Returns the function and a counter of its calls.
 */
export function failingTimes<A extends unknown[], R>(times: number, error: () => Error, then: (...args: A) => Promise<R>) {
  const counter = { calls: 0 };
  const run = async (...args: A): Promise<R> => {
    counter.calls += 1;
    if (counter.calls <= times) throw error();
    return then(...args);
  };
  return { run, counter };
}

/**
 * A step whose first attempt, the local one in the worker, fails as a service that is down does
 * (the checkout then runs it as an ordinary activity), and whose activity attempts do `then`.
 */
export function failingLocally<A extends unknown[], R>(then: (...args: A) => Promise<R>, error = () => new Error('service: 503 unavailable')) {
  return async (...args: A): Promise<R> => {
    if (Context.current().info.isLocal) throw error();
    return then(...args);
  };
}

/**
 * Only queries and history reads happen while it polls, and neither lets the
 * time-skipping server skip time, so a held activity does not time out meanwhile.
 */
export { eventually } from '../support/eventually';
import { eventually } from '../support/eventually';

const { EventType } = temporal.api.enums.v1;

/** Resolves once the workflow has handled a cancellation request (a workflow task completed after it). */
export function cancellationHandled(handle: WorkflowHandle): Promise<true> {
  return eventually('the workflow to handle the cancellation request', async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const requested = events.findIndex((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    const handled = requested >= 0 && events.slice(requested).some((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    return handled ? true : undefined;
  });
}

/** Recorded checkout histories, replayed by replay.test.ts and written by record-histories.ts. */
export const HISTORIES_DIR = path.join(__dirname, 'histories');

/**
 * Histories are kept in Temporal's own JSON (what `temporal workflow show -o json`
 * and the UI's download give), so one exported from production replays as it is.
 * That needs a single protobufjs in the install: package.json pins the one
 * @temporalio/common and @temporalio/proto share.
 */
export function historyToText(history: temporal.api.history.v1.IHistory): string {
  return `${JSON.stringify(JSON.parse(historyToJSON(temporal.api.history.v1.History.fromObject(history))), null, 2)}\n`;
}

export function historyFromText(text: string): ReturnType<typeof historyFromJSON> {
  return historyFromJSON(JSON.parse(text));
}
