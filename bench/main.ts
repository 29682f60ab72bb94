/**
 * npm run bench: the targets of issue 9, measured in one run on this machine.
 *   npm run bench [-- --checkouts 200 --sequential 30 --catalog-seconds 10 --json --profile DIR]
 *
 * It starts its own shop: `npm start` in a fresh copy of this working tree on
 * free ports (bench/stack.ts), timed from a fresh clone (build and databases
 * included) and again on a second start, whose shop it then measures:
 *   - the floor: the same SDK and Temporal server running a workflow of no-op
 *     activities on a worker of its own (bench/floor/), 5 at concurrency 10 and
 *     4 one at a time;
 *   - checkouts started directly on Temporal at concurrency 10;
 *   - the shopper's path through the gateway (cart, POST /checkouts with an
 *     Idempotency-Key) one at a time and 10 at a time;
 *   - CPU per checkout of every process, from /proc, and peak memory;
 *   - the catalog's GET /products/{sku} against a bare express + pg handler
 *     (autocannon).
 * It prints each target with PASS/FAIL, or the whole result as JSON (--json).
 * --profile DIR runs the shop's processes with --cpu-prof and writes a summary of
 * where their CPU went during the direct checkouts (bench/profile.ts).
 * --baseline COMMIT measures that commit's shop instead of the working tree's (with
 * this benchmark), to see what a change did.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { Client, Connection, type DataConverter } from '@temporalio/client';
import { PROJECT_ROOT } from '../platform/project-root';
import { codecKeys, EncryptionCodec, FAILURE_CONVERTER_PATH, LOCAL_CODEC_KEYS_FILE } from '../platform/temporal-codec';
import { getFreePort } from '../dev/processes';
import { directCheckout, floorRun, gatewayCheckout, prepareShop, runPhase, type PhaseResult } from './load';
import { cpuMs, loadAverage, MemorySampler, peakRssBytes } from './proc';
import { isSimulatorName } from '../platform/services';
import { summariseProfiles } from './profile';
import { BARE_CATALOG_ROLE, freeShopPorts, freshCopy, removeCopy, startShop, type RunningShop, type ShopProcesses } from './stack';
import { formatReport, type BenchResult } from './targets';

const FLOOR_STEPS = { concurrent: 5, sequential: 4 };
const CONCURRENCY = 10;
/**
 * For the bench's shop only: the load comes from one address and a few customers; and nobody reads
 * its log, so npm start writes the parts' JSON lines as they are rather than parsing each into a
 * readable one (LOG_FORMAT=json), as a deployment's log collector would take them.
 */
const LOAD_ENV = {
  GATEWAY_REQUESTS_PER_MINUTE: '10000000',
  GATEWAY_CHECKOUT_PER_MINUTE: '10000000',
  GATEWAY_LOGIN_PER_MINUTE: '10000000',
  LOG_FORMAT: 'json',
};

const { values: options } = parseArgs({
  options: {
    checkouts: { type: 'string', default: '200' },
    sequential: { type: 'string', default: '30' },
    'catalog-seconds': { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    profile: { type: 'string' },
    keep: { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
});
const total = Number(options.checkouts);
const sequential = Number(options.sequential);
const catalogSeconds = Number(options['catalog-seconds']);

function say(message: string): void {
  process.stderr.write(`bench | ${message}\n`);
}

function loadNow(): [number, number, number] {
  const { one, five, fifteen } = loadAverage();
  return [one, five, fifteen];
}

/**
 * A process of the bench's own (the floor worker, the bare catalog), ready once it prints `readyLine`:
 * built in the copy like the shop, or (measuring a baseline commit, which has none) this tree's source with tsx.
 */
async function startHelper(dir: string, source: string, env: Record<string, string>, readyLine: RegExp): Promise<ChildProcess> {
  const file = source.replace(/\.ts$/, '.js');
  const args = options.baseline ? ['--import', 'tsx', path.join(PROJECT_ROOT, source)] : [path.join(dir, 'dist', file)];
  const child = spawn(process.execPath, args, { cwd: options.baseline ? PROJECT_ROOT : dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        if (readyLine.test(line)) resolve();
      });
    }
    child.once('exit', (code) => reject(new Error(`${file} ended (${code}) before it was ready:\n${output.join('\n')}`)));
  });
  return child;
}

async function stopHelper(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface Measured {
  shop: ShopProcesses;
  helpers: Map<string, number>;
}

/**
 * CPU ms so far of each part: our Node processes by name, PostgreSQL (its backends serving the
 * shop, and the postmaster with the backends it has reaped) and Temporal each summed.
 */
function cpuSnapshot({ shop, helpers }: Measured): Map<string, number> {
  const snapshot = new Map<string, number>();
  for (const [part, pid] of [...shop.node, ...helpers]) snapshot.set(part, cpuMs(pid) ?? 0);
  snapshot.set('postgres', shop.postgres.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0));
  snapshot.set('temporal', shop.temporal.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0));
  return snapshot;
}

/** Runs a phase and returns it with each part's CPU ms per completed item. */
async function measured(which: () => Measured, phase: () => Promise<PhaseResult & { errors: string[] }>, parts?: string[]) {
  const before = cpuSnapshot(which());
  const result = await phase();
  const after = cpuSnapshot(which());
  const done = result.count - result.failed;
  const perItem: Record<string, number> = {};
  for (const [part, ms] of after) {
    if (!parts || parts.includes(part)) perItem[part] = (ms - (before.get(part) ?? 0)) / Math.max(1, done);
  }
  if (result.failed > 0) say(`  ${result.failed} failed: ${result.errors.join(' | ')}`);
  const { errors: _errors, ...phaseResult } = result;
  return { result: phaseResult, perItem };
}

async function requestsPerSecond(url: string, seconds: number): Promise<number> {
  const result = await autocannon({ url, connections: CONCURRENCY, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadStart = loadNow();
  say(`load average ${loadStart.join(' ')} on ${os.availableParallelism()} cores`);
  const dir = freshCopy(options.baseline);
  if (options.baseline) say(`measuring the shop of ${options.baseline}`);
  const ports = await freeShopPorts();
  const profileDir = options.profile ? path.resolve(options.profile) : undefined;
  let shop: RunningShop | undefined;
  const helpers: ChildProcess[] = [];
  try {
    say(`npm start in a fresh copy (${dir}): builds dist/, creates the databases...`);
    const first = await startShop(dir, ports, LOAD_ENV);
    say(`  ready in ${(first.readyMs / 1000).toFixed(1)} s; stopping it`);
    await first.stop();
    const profileEnv: Record<string, string> = profileDir ? { SHOP_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {};
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    say('npm start again (second start)...');
    shop = await startShop(dir, ports, { ...LOAD_ENV, ...profileEnv });
    say(`  ready in ${(shop.readyMs / 1000).toFixed(1)} s`);
    const running = shop;

    const temporalAddress = ports.urls.TEMPORAL_ADDRESS!;
    const floorWorker = await startHelper(dir, 'bench/floor/worker.ts', { TEMPORAL_ADDRESS: temporalAddress }, /floor worker polling/);
    helpers.push(floorWorker);
    const barePort = await getFreePort();
    const catalogDb = `postgres://postgres:postgres@127.0.0.1:${ports.env.EMBEDDED_POSTGRES_PORT}/shop_catalog`;
    const bare = await startHelper(dir, 'bench/bare-catalog.ts', { DATABASE_URL: await bareCatalogLogin(catalogDb), PORT: String(barePort) }, /bare catalog listening/);
    helpers.push(bare);
    const which = (): Measured => ({ shop: running.processes(), helpers: new Map([['floor-worker', floorWorker.pid!], ['bare-catalog', bare.pid!]]) });

    const memory = new MemorySampler(() => {
      const { shop: processes } = which();
      const shopPids = [...processes.node].filter(([part]) => !isSimulatorName(part)).map(([, pid]) => pid);
      return new Map([
        ['shop', [...shopPids, ...processes.postgres]],
        ['temporal', processes.temporal],
        ['floor', [floorWorker.pid!]],
      ]);
    });
    memory.start();

    const connection = await Connection.connect({ address: temporalAddress });
    // The floor's worker has no codec; the shop's parts encrypt their payloads.
    const floorClient = new Client({ connection });
    const dataConverter = shopDataConverter(dir);
    const client = new Client({ connection, ...(dataConverter ? { dataConverter } : {}) });
    say('setting up: a product, its stock, shoppers with cards');
    const fixture = await prepareShop(ports.urls, CONCURRENCY, 10 * (total * 3 + sequential + 100));

    say('warming up');
    await runPhase(20, CONCURRENCY, floorRun(floorClient, FLOOR_STEPS.concurrent));
    await runPhase(20, CONCURRENCY, directCheckout(client, fixture));
    await runPhase(10, CONCURRENCY, gatewayCheckout(client, fixture, ports.urls.GATEWAY_URL!));

    say(`floor: ${total} workflows of ${FLOOR_STEPS.concurrent} no-op activities at concurrency ${CONCURRENCY}`);
    const floorConcurrent = await measured(which, () => runPhase(total, CONCURRENCY, floorRun(floorClient, FLOOR_STEPS.concurrent)), ['floor-worker', 'temporal']);
    say(`floor: ${sequential} workflows of ${FLOOR_STEPS.sequential} no-op activities, one at a time`);
    const floorSequential = await measured(which, () => runPhase(sequential, 1, floorRun(floorClient, FLOOR_STEPS.sequential)));

    say(`shop: ${total} checkouts started on Temporal at concurrency ${CONCURRENCY}`);
    const profileWindow = { startUs: Number(process.hrtime.bigint() / 1000n), endUs: 0 };
    const direct = await measured(which, () => runPhase(total, CONCURRENCY, directCheckout(client, fixture)));
    profileWindow.endUs = Number(process.hrtime.bigint() / 1000n);
    say(`shop: ${sequential} shopper checkouts through the gateway, one at a time`);
    const gatewaySequential = await measured(which, () => runPhase(sequential, 1, gatewayCheckout(client, fixture, ports.urls.GATEWAY_URL!)));
    say(`shop: ${total} shopper checkouts through the gateway at concurrency ${CONCURRENCY}`);
    const gatewayConcurrent = await measured(which, () => runPhase(total, CONCURRENCY, gatewayCheckout(client, fixture, ports.urls.GATEWAY_URL!)));

    say(`catalog: GET /products/{sku}, ${catalogSeconds} s each, the service and a bare express + pg handler`);
    const productPath = `/products/${encodeURIComponent(fixture.sku)}`;
    const bareRps = await requestsPerSecond(`http://127.0.0.1:${barePort}${productPath}`, catalogSeconds);
    const serviceRps = await requestsPerSecond(`${ports.urls.CATALOG_URL}${productPath}`, catalogSeconds);

    const peaks = memory.stop();
    const final = which();
    const peakRss: Record<string, number> = {};
    for (const [part, pid] of [...final.shop.node, ...final.helpers]) peakRss[part] = peakRssBytes(pid) ?? 0;
    peakRss.postgres = final.shop.postgres.reduce((sum, pid) => sum + (peakRssBytes(pid) ?? 0), 0);
    peakRss.temporal = final.shop.temporal.reduce((sum, pid) => sum + (peakRssBytes(pid) ?? 0), 0);
    await connection.close();

    const result: BenchResult = {
      version: 1,
      startedAt,
      machine: { cores: os.availableParallelism(), memoryBytes: os.totalmem(), node: process.versions.node, platform: `${os.platform()} ${os.arch()}` },
      load: { start: loadStart, end: loadNow() },
      startup: { firstMs: first.readyMs, secondMs: running.readyMs },
      floor: { concurrent: floorConcurrent.result, sequential: floorSequential.result, steps: FLOOR_STEPS, cpuMsPerWorkflow: floorConcurrent.perItem },
      shop: {
        direct: direct.result,
        gatewaySequential: gatewaySequential.result,
        gatewayConcurrent: gatewayConcurrent.result,
        cpuMsPerCheckout: { direct: withoutHelpers(direct.perItem), gateway: withoutHelpers(gatewayConcurrent.perItem) },
      },
      memory: { peakRssBytes: peakRss, peakPssBytes: { shop: peaks.get('shop') ?? 0, temporal: peaks.get('temporal') ?? 0, floor: peaks.get('floor') ?? 0 } },
      catalog: { serviceRps, bareRps, connections: CONCURRENCY, seconds: catalogSeconds },
    };

    await Promise.all(helpers.map(stopHelper));
    await shop.stop();
    shop = undefined;
    if (profileDir) {
      const pids = new Map([...final.shop.node].map(([part, pid]) => [pid, part]));
      const summary = summariseProfiles(profileDir, pids, profileWindow);
      writeFileSync(path.join(profileDir, 'summary.txt'), summary);
      say(`CPU profiles in ${profileDir}; where the CPU went during the direct checkouts:\n${summary}`);
    }
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`\n${formatReport(result)}\n`);
  } finally {
    await Promise.all(helpers.map(stopHelper));
    await shop?.stop();
    if (options.keep) say(`the copy stays in ${dir}`);
    else removeCopy(dir);
  }
}

/**
 * The bare handler reads the catalog's table as a role of its own (BARE_CATALOG_ROLE), so that
 * its PostgreSQL backends are not counted as the shop's (bench/stack.ts). Answers its URL.
 */
async function bareCatalogLogin(catalogDb: string): Promise<string> {
  const admin = new pg.Client({ connectionString: catalogDb });
  await admin.connect();
  try {
    await admin.query(`do $$ begin
      if not exists (select from pg_roles where rolname = '${BARE_CATALOG_ROLE}') then create role ${BARE_CATALOG_ROLE} login password '${BARE_CATALOG_ROLE}'; end if;
      end $$`);
    await admin.query(`grant select on products to ${BARE_CATALOG_ROLE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(catalogDb);
  url.username = BARE_CATALOG_ROLE;
  url.password = BARE_CATALOG_ROLE;
  return url.toString();
}

/**
 * The shop encrypts what it hands Temporal (platform/temporal-codec.ts), so the bench reads and writes
 * checkouts with the copy's own keys, as the gateway does; a baseline from before the codec has none.
 */
function shopDataConverter(dir: string): DataConverter | undefined {
  if (!existsSync(path.join(dir, 'platform', 'temporal-codec.ts'))) return undefined;
  const keysFile = path.join(dir, path.relative(PROJECT_ROOT, LOCAL_CODEC_KEYS_FILE));
  return { payloadCodecs: [new EncryptionCodec(codecKeys(process.env, keysFile))], failureConverterPath: FAILURE_CONVERTER_PATH };
}

function withoutHelpers(perItem: Record<string, number>): Record<string, number> {
  const { ['floor-worker']: _floor, ['bare-catalog']: _bare, ...rest } = perItem;
  return rest;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
