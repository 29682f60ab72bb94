/**
 * The run's shoppers: each signs up once, then checks out again and again
 * through the gateway, as the storefront does: fill the cart, tokenise a
 * card, `POST /checkouts` with an Idempotency-Key (re-submitted now and then,
 * sometimes several at once), follow `GET /checkouts/{id}`, and sometimes
 * cancel. What each checkout is meant to test is its scenario; what the
 * shopper was told is kept, to be held against how the checkout really ended.
 */
import { randomUUID } from 'node:crypto';
import { checkoutIdFor } from '../../gateway/checkouts';
import type { paths as GatewayPaths } from '../../gateway/api.gen';
import { createServiceClient, type ServiceClientOptions } from '../../platform/http-client';
import { createCartClient } from '../../services/cart/client';
import { createCatalogClient } from '../../services/catalog/client';
import { createInventoryClient } from '../../services/inventory/client';
import { createOrdersClient } from '../../services/orders/client';
import { createPaymentsClient } from '../../services/payments/client';
import { createUsersClient } from '../../services/users/client';
import { DEMO_ACCOUNTS, TEST_CARDS } from '../../scripts/demo-data';
import { checkoutWorkflowId } from '../../workflows/messages';
import { persist, sleep, type Answer } from './calls';
import type { Random } from './random';
import type { SupportDesk } from './support';

const REQUEST_TIMEOUT_MS = 30_000;
const FOLLOW_EVERY_MS = 1_000;
/** Renewed before the 15 minutes of an access token run out. */
const TOKEN_RENEW_MS = 10 * 60_000;
const CURRENCY = 'USD';
export const SHIPPING_ADDRESS = { name: 'Chaos Shopper', line1: '1 Kill Street', city: 'Faultbury', postalCode: 'CH4 0S', country: 'GB' } as const;

/** The run's own products: plenty of two, a scarce one that sells out during the run, and one never in stock. */
export const PRODUCTS = {
  plenty: { sku: 'CHAOS-MUG', price: 1250, stock: 1_000_000 },
  more: { sku: 'CHAOS-TEE', price: 1999, stock: 1_000_000 },
  scarce: { sku: 'CHAOS-POSTER', price: 4000, stock: 40 },
  soldOut: { sku: 'CHAOS-GHOST', price: 999, stock: 0 },
} as const;

export const INITIAL_STOCK: Record<string, number> = Object.fromEntries(Object.values(PRODUCTS).map((product) => [product.sku, product.stock]));

/**
 * What a checkout is made to do, and how it may end (`completed`, or the
 * failure type). A checkout with the scarce product may also end OutOfStock.
 */
export const SCENARIOS = {
  /** A good card: it must complete. */
  paid: { weight: 46, card: TEST_CARDS.success, ends: ['completed'] },
  declined: { weight: 7, card: TEST_CARDS.declined, ends: ['PaymentDeclined'] },
  'insufficient-funds': { weight: 4, card: TEST_CARDS.insufficientFunds, ends: ['InsufficientFunds'] },
  /** An item the inventory never has. */
  'sold-out': { weight: 5, card: TEST_CARDS.success, ends: ['OutOfStock'] },
  /**
   * Fails after the charge, so the refund runs while parts are killed: an order
   * for the checkout is already there (placed by the run, as another client of
   * the orders service might), so the orders service refuses the checkout's own.
   */
  'order-refused': { weight: 10, card: TEST_CARDS.success, ends: ['AlreadyCompensated'] },
  /** The provider keeps failing: the checkout waits for support, who retry once, then cancel. */
  'provider-error': { weight: 3, card: TEST_CARDS.processingError, ends: ['CancelledBySupport'] },
  /** The customer cancels soon after submitting: it ends cancelled, or completed when the cancel came too late. */
  'customer-cancel': { weight: 12, card: TEST_CARDS.success, ends: ['completed', 'CancelledByCustomer'] },
} as const satisfies Record<string, { weight: number; card: string; ends: readonly string[] }>;

export type Scenario = keyof typeof SCENARIOS;

export interface Told {
  /** How: the HTTP answer to a submit, or a status read. */
  via: 'submit' | 'status';
  httpStatus: number;
  /** What it said: `completed`, a failure type, or nothing yet (202, running). */
  outcome?: string;
}

export interface CheckoutRecord {
  checkoutId: string;
  workflowId: string;
  idempotencyKey: string;
  shopper: number;
  customerId: string;
  hasPhone: boolean;
  scenario: Scenario;
  /** What the cart held (the checkout takes it at the catalog's prices). */
  lines: { sku: string; quantity: number }[];
  /** The run cancelled the checkout's order id before the checkout started ('order-refused'). */
  orderCancelledInAdvance?: boolean;
  submits: number;
  cancelsSent: number;
  told: Told[];
  /** The workflow was started (a submit got an answer naming it). */
  started: boolean;
  /** The shopper saw it end. */
  ended: boolean;
  startedAt: number;
  endedAt?: number;
  /** Why the shopper could not go on with it (e.g. the cart stayed locked). */
  problem?: string;
}

export interface ShopRun {
  gatewayUrl: string;
  ordersUrl: string;
  catalogUrl: string;
  inventoryUrl: string;
  seed: number;
  /** Aborted when the run gives up waiting: every call then stops. */
  signal: AbortSignal;
  /** True once no new checkout may begin (the faults are over). */
  noMoreCheckouts(): boolean;
  support: SupportDesk;
  say(message: string): void;
}

type Session = { accessToken: string; user: { id: string; email: string } };

/** A login that renews itself before its access token expires, and on a 401. */
class Login {
  private session?: Session;
  private since = 0;

  constructor(
    private readonly gatewayUrl: string,
    private readonly email: string,
    private readonly password: string,
    private readonly signal: AbortSignal,
  ) {}

  async current(): Promise<Session> {
    if (!this.session || Date.now() - this.since > TOKEN_RENEW_MS) {
      const users = createUsersClient(this.gatewayUrl, { timeoutMs: REQUEST_TIMEOUT_MS });
      const { data, response, error } = await persist(() => users.POST('/sessions', { body: { email: this.email, password: this.password } }), { signal: this.signal });
      if (!data) throw new Error(`logging in as ${this.email}: ${response.status} ${JSON.stringify(error)}`);
      this.session = data;
      this.since = Date.now();
    }
    return this.session;
  }

  renew = (): void => {
    this.session = undefined;
  };

  token = async (): Promise<string> => (await this.current()).accessToken;

  clientOptions(): ServiceClientOptions {
    return { timeoutMs: REQUEST_TIMEOUT_MS, accessToken: this.token };
  }
}

function failIfNot<T>(what: string, answer: Answer<T>, ...statuses: number[]): T {
  if (!statuses.includes(answer.response.status)) throw new Error(`${what}: HTTP ${answer.response.status} ${JSON.stringify(answer.error ?? answer.data)}`);
  return answer.data as T;
}

/** The run's products and their stock, as the admin; before any fault. */
export async function stockTheShop(run: ShopRun): Promise<void> {
  const admin = new Login(run.gatewayUrl, DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password, run.signal);
  const catalog = createCatalogClient(run.catalogUrl, admin.clientOptions());
  const inventory = createInventoryClient(run.inventoryUrl, admin.clientOptions());
  for (const product of Object.values(PRODUCTS)) {
    const created = await persist(
      () => catalog.POST('/products', { body: { sku: product.sku, name: `Chaos ${product.sku}`, category: 'chaos', price: { amount: product.price, currency: CURRENCY } } }),
      { signal: run.signal },
    );
    failIfNot(`creating ${product.sku}`, created, 201);
    const stocked = await persist(() => inventory.PUT('/stock/{sku}', { params: { path: { sku: product.sku } }, body: { onHand: product.stock } }), { signal: run.signal });
    failIfNot(`stocking ${product.sku}`, stocked, 200);
  }
}

export class Shopper {
  readonly checkouts: CheckoutRecord[] = [];
  private login?: Login;
  private customerId = '';
  private readonly cards = new Map<string, string>();
  private readonly email: string;
  private readonly phone?: string;
  private readonly admin: Login;

  constructor(
    readonly index: number,
    private readonly run: ShopRun,
    private readonly random: Random,
  ) {
    this.email = `chaos-${run.seed}-${index}-${randomUUID().slice(0, 8)}@shop.example`;
    // Half of them get SMS too, so both channels are counted.
    if (index % 2 === 0) this.phone = `+1555${String(1_000_000 + index).slice(1)}`;
    this.admin = new Login(run.gatewayUrl, DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password, run.signal);
  }

  private get signal(): AbortSignal {
    return this.run.signal;
  }

  private call<T>(attempt: () => Promise<Answer<T>>): Promise<Answer<T>> {
    return persist(attempt, { signal: this.signal, onUnauthorized: this.login?.renew });
  }

  async signUp(): Promise<void> {
    const password = `chaos-password-${randomUUID()}`;
    const users = createUsersClient(this.run.gatewayUrl, { timeoutMs: REQUEST_TIMEOUT_MS });
    const body = { email: this.email, password, name: `Chaos Shopper ${this.index}`, ...(this.phone ? { phone: this.phone } : {}) };
    // A repeat after a lost answer finds the account taken: that is the same account.
    failIfNot(`signing up ${this.email}`, await this.call(() => users.POST('/users', { body })), 201, 409);
    this.login = new Login(this.run.gatewayUrl, this.email, password, this.signal);
    this.customerId = (await this.login.current()).user.id;
  }

  /** Checkouts one after another until the run says stop, or one goes wrong in a way a shopper cannot get past. */
  async shop(): Promise<void> {
    for (let number = 1; !this.run.noMoreCheckouts() && !this.signal.aborted; number++) {
      if (!(await this.checkOut(number))) return;
    }
  }

  private async paymentMethod(card: string): Promise<string> {
    let id = this.cards.get(card);
    if (!id) {
      const payments = createPaymentsClient(this.run.gatewayUrl, this.login!.clientOptions());
      const card_ = { number: card, expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' };
      id = failIfNot('tokenising a card', await this.call(() => payments.POST('/payment-methods', { body: { card: card_ } })), 201).id;
      this.cards.set(card, id);
    }
    return id;
  }

  private chooseLines(scenario: Scenario): { sku: string; quantity: number }[] {
    const lines: { sku: string; quantity: number }[] = [{ sku: PRODUCTS.plenty.sku, quantity: this.random.int(1, 3) }];
    if (this.random.chance(0.5)) lines.push({ sku: PRODUCTS.more.sku, quantity: this.random.int(1, 2) });
    if (this.random.chance(0.25)) lines.push({ sku: PRODUCTS.scarce.sku, quantity: this.random.int(1, 2) });
    if (scenario === 'sold-out') lines.push({ sku: PRODUCTS.soldOut.sku, quantity: 1 });
    return lines;
  }

  private async fillCart(lines: { sku: string; quantity: number }[]): Promise<void> {
    const cart = createCartClient(this.run.gatewayUrl, this.login!.clientOptions());
    const customerId = this.customerId;
    failIfNot('emptying the cart', await this.call(() => cart.DELETE('/carts/{customerId}/items', { params: { path: { customerId } } })), 200, 204);
    for (const line of lines) {
      const put = await this.call(() => cart.PUT('/carts/{customerId}/items/{sku}', { params: { path: { customerId, sku: line.sku } }, body: { quantity: line.quantity } }));
      failIfNot(`putting ${line.sku} in the cart`, put, 200, 201);
    }
  }

  /**
   * The checkout's order id (the checkout id: ids come from the checkout) cancelled before the
   * checkout starts: the orders service then refuses the order, after the card was charged, so
   * the checkout refunds while parts are being killed.
   */
  private async cancelOrderInAdvance(checkoutId: string): Promise<void> {
    const orders = createOrdersClient(this.run.ordersUrl, this.admin.clientOptions());
    const cancelled = await persist(() => orders.POST('/orders/{orderId}/cancel', { params: { path: { orderId: checkoutId } }, body: { reason: 'the chaos run refuses this order' } }), {
      signal: this.signal,
      onUnauthorized: this.admin.renew,
    });
    failIfNot('cancelling the order id in advance', cancelled, 200);
  }

  private async checkOut(number: number): Promise<boolean> {
    const random = this.random;
    const scenario = random.weighted(Object.fromEntries(Object.entries(SCENARIOS).map(([name, { weight }]) => [name, weight])) as Record<Scenario, number>);
    const lines = this.chooseLines(scenario);
    // Drawn now, so the shopper's choices do not depend on how the checkout goes.
    const plan = {
      submitsAtOnce: random.chance(0.2) ? random.int(2, 4) : 1,
      resubmitWhileFollowing: random.chance(0.3),
      cancelAfterMs: random.between(0, 1500),
    };
    const idempotencyKey = `chaos-${this.run.seed}-${this.index}-${number}`;
    const checkoutId = checkoutIdFor(this.customerId, idempotencyKey);
    const record: CheckoutRecord = {
      checkoutId,
      workflowId: checkoutWorkflowId(checkoutId),
      idempotencyKey,
      shopper: this.index,
      customerId: this.customerId,
      hasPhone: this.phone !== undefined,
      scenario,
      lines,
      submits: 0,
      cancelsSent: 0,
      told: [],
      started: false,
      ended: false,
      startedAt: Date.now(),
    };
    this.checkouts.push(record);
    try {
      await this.fillCart(lines);
      if (scenario === 'order-refused') {
        await this.cancelOrderInAdvance(checkoutId);
        record.orderCancelledInAdvance = true;
      }
      const paymentMethodId = await this.paymentMethod(SCENARIOS[scenario].card);
      const submit = () => this.submit(record, { paymentMethodId, shippingAddress: { ...SHIPPING_ADDRESS } });
      const submitting = Promise.all(Array.from({ length: plan.submitsAtOnce }, submit));
      if (scenario === 'customer-cancel') await this.cancelSoon(record, plan.cancelAfterMs, submitting);
      await submitting;
      await this.follow(record, plan.resubmitWhileFollowing ? submit : undefined);
      return true;
    } catch (error) {
      if (!this.signal.aborted) {
        record.problem = error instanceof Error ? error.message : String(error);
        this.run.say(`shopper ${this.index} stops: ${record.problem}`);
      }
      return false;
    }
  }

  private async submit(record: CheckoutRecord, body: { paymentMethodId: string; shippingAddress: typeof SHIPPING_ADDRESS }): Promise<void> {
    const gateway = createServiceClient<GatewayPaths>(this.run.gatewayUrl, this.login!.clientOptions());
    record.submits++;
    const answer = await this.call(() =>
      gateway.POST('/checkouts', { params: { header: { 'Idempotency-Key': record.idempotencyKey } }, body: { ...body, shippingAddress: { ...body.shippingAddress } } }),
    );
    const status = answer.response.status;
    const problem = answer.error as { checkoutId?: string; failureType?: string; type?: string } | undefined;
    if (status === 201 || status === 202) {
      record.started = true;
      record.told.push({ via: 'submit', httpStatus: status, ...(status === 201 ? { outcome: 'completed' } : {}) });
    } else if (problem?.checkoutId) {
      record.started = true;
      record.told.push({ via: 'submit', httpStatus: status, ...(problem.failureType ? { outcome: problem.failureType } : {}) });
    } else {
      throw new Error(`POST /checkouts for ${record.checkoutId}: HTTP ${status} ${JSON.stringify(answer.error)}`);
    }
  }

  /** The customer's cancel, while the submit waits for its answer; the workflow may not exist yet (404), or be past cancelling (409). */
  private async cancelSoon(record: CheckoutRecord, afterMs: number, submitting: Promise<unknown>): Promise<void> {
    await sleep(afterMs, this.signal);
    const gateway = createServiceClient<GatewayPaths>(this.run.gatewayUrl, this.login!.clientOptions());
    let answered = false;
    void submitting.finally(() => (answered = true));
    for (;;) {
      record.cancelsSent++;
      const answer = await this.call(() =>
        gateway.POST('/checkouts/{checkoutId}/cancel', { params: { path: { checkoutId: record.checkoutId } }, body: { reason: 'changed my mind (chaos run)' } }),
      );
      if (answer.response.status !== 404 || answered || this.signal.aborted) return;
      await sleep(200, this.signal);
    }
  }

  /** Reads the checkout until it ends; hands it to support while it waits for them. */
  private async follow(record: CheckoutRecord, resubmit?: () => Promise<void>): Promise<void> {
    const gateway = createServiceClient<GatewayPaths>(this.run.gatewayUrl, this.login!.clientOptions());
    let polls = 0;
    while (!this.signal.aborted) {
      const answer = await this.call(() => gateway.GET('/checkouts/{checkoutId}', { params: { path: { checkoutId: record.checkoutId } } }));
      const view = answer.data;
      if (!view) throw new Error(`GET /checkouts/${record.checkoutId}: HTTP ${answer.response.status} ${JSON.stringify(answer.error)}`);
      if (view.status === 'completed' || view.status === 'failed') {
        record.told.push({ via: 'status', httpStatus: answer.response.status, outcome: view.status === 'completed' ? 'completed' : (view.failure?.type ?? 'failed') });
        record.ended = true;
        record.endedAt = Date.now();
        return;
      }
      if (view.waitingForSupport) this.run.support.notice(record);
      polls++;
      // "Did it go through?": the same request again, as a shopper reloading the page would.
      if (resubmit && polls === 3) await resubmit();
      await sleep(FOLLOW_EVERY_MS, this.signal);
    }
  }
}
