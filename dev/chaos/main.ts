/**
 * npm run chaos: a bounded fault test against a shop it starts itself.
 *
 *  1. Starts the shop as `npm start` does, each part its own process, on
 *     ports and data of its own (dev/chaos/stack.ts).
 *  2. Shoppers check out through the gateway (dev/chaos/shoppers.ts) while
 *     parts are killed, PostgreSQL frozen and Temporal restarted on a seeded
 *     schedule (dev/chaos/faults.ts); a support person retries or cancels the
 *     checkouts that wait for them (dev/chaos/support.ts).
 *  3. Once the faults stop, waits (bounded) for every checkout to end and the
 *     background work to settle, then checks each service's database
 *     (dev/chaos/invariants.ts) and replays every history (dev/chaos/replay.ts).
 *  4. Prints the figures (--json: as JSON), writes them to <out>/report.json,
 *     and exits 1 on any violation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { backOff } from 'exponential-backoff';
import { PROJECT_ROOT } from '../temporal-binaries';
import { temporalDataConverter } from '../../platform/temporal-codec';
import type { CheckoutResult } from '../../workflows/messages';
import { sleep } from './calls';
import { runFaults } from './faults';
import { checkInvariants, outcomeOf, readEvidence, stillSettling, type Outcome, type Violation } from './invariants';
import { parseChaosOptions, type ChaosOptions } from './options';
import { Random } from './random';
import { quietTemporalRuntime, replayAll } from './replay';
import { buildReport, formatReport } from './report';
import { INITIAL_STOCK, Shopper, stockTheShop, type CheckoutRecord, type ShopRun } from './shoppers';
import { ChaosStack } from './stack';
import { SupportDesk } from './support';

/** After the faults, every part must be back within this long. */
const BACK_UP_TIMEOUT_MS = 180_000;

async function outcomeFromTemporal(client: Client, workflowId: string): Promise<Outcome> {
  return backOff(
    async () => {
      const handle = client.workflow.getHandle(workflowId);
      try {
        const description = await handle.describe();
        const workflowStatus = description.status.name;
        if (workflowStatus !== 'COMPLETED') return { workflowStatus };
        return { workflowStatus, result: (await handle.result()) as CheckoutResult };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return { workflowStatus: 'NOT_FOUND' };
        throw error;
      }
    },
    { numOfAttempts: 10, startingDelay: 500, maxDelay: 5_000 },
  );
}

async function run(options: ChaosOptions, say: (message: string) => void): Promise<boolean> {
  const began = Date.now();
  mkdirSync(options.outDir, { recursive: true });
  say(`seed ${options.seed} (repeat this run's schedule with --seed ${options.seed}); logs in ${path.relative(process.cwd(), options.outDir)}`);
  quietTemporalRuntime();
  const stack = await ChaosStack.start(options.outDir, say);
  const stopOnSignal = () => {
    say('interrupted: stopping the shop');
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  // The shop's codec: the harness reads results and sends support's decisions as the shop's own parts do.
  const dataConverter = temporalDataConverter();
  const client = new Client({ connection, namespace: stack.plan.temporal.namespace, dataConverter });
  try {
    const startedShopping = Date.now();
    const giveUp = new AbortController();
    let faultsOver = false;
    const support = new SupportDesk(client, giveUp.signal, () => stack.elapsed());
    const shopRun: ShopRun = {
      gatewayUrl: stack.gatewayUrl,
      ordersUrl: stack.partUrl('orders'),
      catalogUrl: stack.partUrl('catalog'),
      inventoryUrl: stack.partUrl('inventory'),
      seed: options.seed,
      signal: giveUp.signal,
      noMoreCheckouts: () => faultsOver,
      support,
      say,
    };
    await stockTheShop(shopRun);
    const shoppers = Array.from({ length: options.shoppers }, (_, index) => new Shopper(index + 1, shopRun, new Random(options.seed, index + 1)));
    await Promise.all(shoppers.map((shopper) => shopper.signUp()));
    say(`${shoppers.length} shoppers are checking out; the faults begin`);
    const shopping = Promise.all(shoppers.map((shopper) => shopper.shop()));

    const faultsBegan = Date.now();
    const faultLog = await runFaults(stack, new Random(options.seed, 0), { kills: options.kills, untilMs: options.faultPhaseMs, meanIntervalMs: options.faultIntervalMs }, say);
    faultsOver = true;
    const faultPhaseMs = Date.now() - faultsBegan;
    say('the faults are over: waiting for every part to be back and every checkout to end');
    await stack.waitUntilAllUp(BACK_UP_TIMEOUT_MS);

    const settleDeadline = Date.now() + options.settleMs;
    const giveUpTimer = setTimeout(() => giveUp.abort(), options.settleMs);
    await shopping;
    clearTimeout(giveUpTimer);
    const checkouts: CheckoutRecord[] = shoppers.flatMap((shopper) => shopper.checkouts);
    say(`${checkouts.filter((record) => record.ended).length} of ${checkouts.length} checkouts ended; waiting for payments and deliveries to settle`);
    for (let waiting = await stillSettling(stack.adminDatabaseUrl); waiting.length > 0 && Date.now() < settleDeadline; waiting = await stillSettling(stack.adminDatabaseUrl)) {
      await sleep(2_000);
    }

    say('checking the databases');
    const outcomes = new Map<string, Outcome>();
    for (const record of checkouts) outcomes.set(record.checkoutId, await outcomeFromTemporal(client, record.workflowId));
    const evidence = await readEvidence(stack.adminDatabaseUrl);
    const invariants = checkInvariants(evidence, checkouts, outcomes, INITIAL_STOCK);
    const extra: Violation[] = checkouts
      .filter((record) => record.problem)
      .map((record) => ({ invariant: 'shoppers-could-go-on', checkoutId: record.checkoutId, detail: record.problem! }));
    const kills = [...stack.kills.values()].reduce((sum, count) => sum + count, 0);
    if (kills < options.kills) extra.push({ invariant: 'kills-made', detail: `asked for ${options.kills} kills, made ${kills} in ${Math.round(faultPhaseMs / 1000)} s` });

    say('replaying every history');
    const started = checkouts.filter((record) => outcomeOf(outcomes.get(record.checkoutId)) !== 'not-started');
    const replay = await replayAll(client, dataConverter, started.map((record) => record.workflowId), options.outDir);

    const report = buildReport({
      options,
      durations: { totalMs: Date.now() - began, startupMs: startedShopping - began, faultPhaseMs },
      stack,
      faultLog,
      checkouts,
      outcomes,
      support,
      invariants: { checked: invariants.checked, violations: [...invariants.violations, ...extra] },
      replay,
    });
    writeFileSync(path.join(options.outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(formatReport(report));
    return report.passed;
  } finally {
    await connection.close().catch(() => undefined);
    say('stopping the shop');
    await stack.stop();
  }
}

async function main(): Promise<void> {
  let options: ChaosOptions;
  try {
    options = parseChaosOptions(process.argv.slice(2), PROJECT_ROOT);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const progress = options.json ? process.stderr : process.stdout;
  const say = (message: string) => progress.write(`chaos | ${message}\n`);
  try {
    process.exit((await run(options, say)) ? 0 : 1);
  } catch (error) {
    console.error(`\nthe chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
