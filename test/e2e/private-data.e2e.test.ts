/**
 * What Temporal's database keeps of a customer: checkouts placed through the
 * real gateway, run by a real worker on a Temporal dev server, both with the
 * shop's codec. Read back raw, as anyone with access to Temporal's database
 * or a UI without the codec server sees them, their histories hold
 * ciphertext and none of the customer's personal data; read through the
 * codec, everything is there.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import type { temporal as proto } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { devServerExecutable } from '../../dev/temporal-binaries';
import { ENCRYPTED_ENCODING, FAILURE_CONVERTER_PATH } from '../../platform/temporal-codec';
import { SEARCH_ATTRIBUTES } from '../../temporal.config';
import { checkoutWorkflowId } from '../../workflows/messages';
import { TEST_CARDS } from '../../scripts/demo-data';
import { testDataConverter } from '../support/temporal-codec';
import { api, startShop, stockProduct, tokeniseCard, type Shop } from './support';

jest.setTimeout(180_000);

let temporal: TestWorkflowEnvironment;
/** Sees Temporal as it is stored: no codec. */
let raw: Client;
let shop: Shop;
let gateway: string;
let namespace: string;

const customer = {
  email: `henrietta.leavitt-${randomUUID().slice(0, 8)}@example.com`,
  name: 'Henrietta Swan Leavitt',
  phone: '+15555550142',
  password: 'a password of her own',
};
const shippingAddress = { name: 'Henrietta Swan Leavitt', line1: '7 Cepheid Lane', line2: 'Flat 4', city: 'Lancaster', postalCode: 'LA1 4YW', country: 'GB' };
/** Every piece of personal data the customer gave; none may be readable in Temporal without the codec. */
const personalData = [customer.email, customer.name, customer.phone, shippingAddress.line1, shippingAddress.line2, shippingAddress.city, shippingAddress.postalCode];

let workflowIds: { paid: string; declined: string };

beforeAll(async () => {
  let bundle: WorkflowBundleWithSourceMap;
  [temporal, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: devServerExecutable(), searchAttributes: Object.values(SEARCH_ATTRIBUTES) },
      client: { dataConverter: testDataConverter() },
    }),
    // As the production worker bundles them: failures raised in workflow code are encoded too.
    bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
    }),
  ]);
  namespace = temporal.namespace ?? 'default';
  raw = new Client({ connection: temporal.connection, namespace });
  shop = await startShop({ temporalAddress: temporal.address, connection: temporal.nativeConnection, workflowBundle: bundle });
  gateway = shop.gateway.url;

  const sku = `PRIVATE-${randomUUID().slice(0, 8)}`.toUpperCase();
  await stockProduct(gateway, sku, 1500, 10);
  expect((await api(gateway, 'POST', '/users', { body: { email: customer.email, password: customer.password, name: customer.name, phone: customer.phone } })).status).toBe(201);
  const session = (await api(gateway, 'POST', '/sessions', { body: { email: customer.email, password: customer.password } })).body;
  const token = session.accessToken as string;
  const customerId = session.user.id as string;
  const checkOut = async (card: string) => {
    expect((await api(gateway, 'PUT', `/carts/${customerId}/items/${sku}`, { token, body: { quantity: 1 } })).status).toBe(200);
    const paymentMethodId = await tokeniseCard(gateway, token, card);
    const answer = await api(gateway, 'POST', '/checkouts', { token, headers: { 'idempotency-key': randomUUID() }, body: { paymentMethodId, shippingAddress } });
    const checkoutId = (answer.body.id ?? answer.body.checkoutId) as string;
    expect(checkoutId).toEqual(expect.any(String));
    const workflowId = checkoutWorkflowId(checkoutId);
    // Finished: the customer was told, and the history is complete.
    await temporal.client.workflow.getHandle(workflowId).result();
    return workflowId;
  };
  workflowIds = { paid: await checkOut(TEST_CARDS.success), declined: await checkOut(TEST_CARDS.declined) };
});

afterAll(async () => {
  await shop?.stop();
  await temporal?.teardown();
});

/** The history exactly as the server returns it. */
async function storedHistory(workflowId: string): Promise<proto.api.history.v1.IHistoryEvent[]> {
  const events: proto.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await raw.workflowService.getWorkflowExecutionHistory({ namespace, execution: { workflowId }, nextPageToken });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

/** Every payload in a message, with where it was found; search attributes and headers are never encoded, so they are kept apart. */
function payloadsIn(value: unknown, where = '', found: { where: string; payload: Payload }[] = []) {
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return found;
  if (Array.isArray(value)) {
    value.forEach((item, index) => payloadsIn(item, `${where}[${index}]`, found));
    return found;
  }
  const record = value as Record<string, unknown>;
  if (record.metadata && typeof record.metadata === 'object' && 'data' in record) {
    found.push({ where, payload: record as Payload });
    return found;
  }
  for (const [key, item] of Object.entries(record)) payloadsIn(item, `${where}.${key}`, found);
  return found;
}

/** Everything in a message as text, bytes read as UTF-8: what a person reading the database could find. */
function readable(value: unknown): string {
  // Buffers turn into {type, data} before a replacer sees them: convert the bytes first.
  const bytesAsText = (item: unknown): unknown => {
    if (item instanceof Uint8Array) return Buffer.from(item).toString('utf8');
    if (Array.isArray(item)) return item.map(bytesAsText);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, bytesAsText(inner)]));
    return item;
  };
  return JSON.stringify(bytesAsText(value));
}

/** Where the SDK's core keeps a local activity's sequence number, attempt, type and times, unencoded. */
const LOCAL_ACTIVITY_BOOKKEEPING = /markerRecordedEventAttributes\.details\.data\.payloads/;
const LOCAL_ACTIVITY_BOOKKEEPING_KEYS = ['seq', 'attempt', 'activity_id', 'activity_type', 'complete_time', 'backoff', 'original_schedule_time'];

const encodingOf = (payload: Payload) => Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString();

it('stores every payload of a checkout as ciphertext, which a client with the codec reads', async () => {
  for (const workflowId of Object.values(workflowIds)) {
    const events = await storedHistory(workflowId);
    // Search attributes, headers, patch markers (a patch's name, written by the SDK's core) and a local activity marker's
    // `data` (its bookkeeping, also the core's; the activity's result beside it is encoded) are Temporal's own metadata.
    const bookkeeping = payloadsIn(events).filter(({ where }) => LOCAL_ACTIVITY_BOOKKEEPING.test(where));
    for (const { payload } of bookkeeping) expect(Object.keys(JSON.parse(Buffer.from(payload.data!).toString()) as object).filter((key) => !LOCAL_ACTIVITY_BOOKKEEPING_KEYS.includes(key))).toEqual([]);
    const payloads = payloadsIn(events).filter(({ where }) => !/searchAttributes|\.header\b|patch-data/.test(where) && !LOCAL_ACTIVITY_BOOKKEEPING.test(where));
    // The input, activities' inputs and results, the update, the memo, failures' details: something of each.
    expect(payloads.length).toBeGreaterThan(10);
    expect(payloads.filter(({ payload }) => encodingOf(payload) !== ENCRYPTED_ENCODING).map(({ where }) => where)).toEqual([]);

    // Through the codec, the same history holds what the customer gave.
    const [codec] = testDataConverter().payloadCodecs!;
    const decoded = await codec!.decode(payloads.map(({ payload }) => payload));
    const text = readable(decoded);
    expect(text).toContain(customer.email);
    expect(text).toContain(shippingAddress.line1);
  }
  const description = await temporal.client.workflow.getHandle(workflowIds.paid).describe();
  expect(description.status.name).toBe('COMPLETED');
});

it('keeps failure messages encoded: a declined card reads "Encoded failure" without the codec', async () => {
  const events = await storedHistory(workflowIds.declined);
  // The decline comes from the charge's attempt in the worker: its failure is in that local activity's marker.
  const failures = events
    .flatMap((event) => [
      event.activityTaskFailedEventAttributes?.failure,
      event.markerRecordedEventAttributes?.failure,
      event.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure,
    ])
    .filter(Boolean);
  expect(events.some((event) => event.markerRecordedEventAttributes?.failure)).toBe(true);
  for (const failure of failures) {
    expect(failure!.message).toBe('Encoded failure');
    expect(encodingOf(failure!.encodedAttributes!)).toBe(ENCRYPTED_ENCODING);
  }
});

it('leaves none of the customer’s e-mail, phone, name or address readable in the stored history, memo or search attributes', async () => {
  for (const workflowId of Object.values(workflowIds)) {
    const stored = readable(await storedHistory(workflowId));
    const described = readable(await raw.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId } }));
    const listed = readable(await raw.workflowService.listWorkflowExecutions({ namespace, query: `WorkflowId = '${workflowId}'` }));
    for (const text of [stored, described, listed]) {
      expect(personalData.filter((value) => text.includes(value))).toEqual([]);
    }
  }
});

it('keeps only ids and amounts in the memo, even for staff reading it decoded', async () => {
  for (const workflowId of Object.values(workflowIds)) {
    const memo = (await temporal.client.workflow.getHandle(workflowId).describe()).memo ?? {};
    expect(Object.keys(memo).length).toBeGreaterThan(0);
    const text = readable(memo);
    expect(personalData.filter((value) => text.includes(value))).toEqual([]);
    expect(Object.keys(memo).filter((key) => /e-?mail|phone|name|address/i.test(key))).toEqual([]);
  }
});
