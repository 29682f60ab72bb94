import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { DEFAULT_RESTART_POLICY } from '../../dev/supervisor';
import { assertPortsFree, describeExit, formatLogLine, startProcess, waitForHttp } from '../../dev/processes';
import { IMPLEMENTED_SERVICES, SERVICES, SIMULATOR_NAMES } from '../../platform/services';
import { childEnvironment, LEAN_NODE_ARGS, metricsUrls, partCommand, planStart, portClaims, PROCESS_STAGES, processParts, restartPolicyFromEnv } from '../../dev/start';
import { WORKER_SHUTDOWN_FORCE_MS, WORKER_SHUTDOWN_GRACE_MS } from '../../worker/config';
import { getFreePort } from '../support/ports';

describe('planStart', () => {
  it('runs everything embedded on the default ports', () => {
    const plan = planStart({});
    expect(plan.databaseUrl).toBeUndefined();
    expect(plan.postgres.port).toBe(54320);
    expect(plan.postgres.dataDir).toMatch(/\.data[/\\]postgres$/);
    expect(plan.temporal.embedded).toBe(true);
    expect(plan.devServer).toMatchObject({ port: 7233, uiPort: 8233 });
    expect(plan.devServer.dbFile).toMatch(/\.data[/\\]temporal\.db$/);
    expect(plan.services.map((service) => service.name)).toEqual(IMPLEMENTED_SERVICES);
    for (const service of plan.services) expect(service.port).toBe(SERVICES[service.name].port);
    expect(plan.workerHealthPort).toBe(3099);
    // The dev server's UI is started with this as its codec endpoint.
    expect(plan.codecServer).toEqual({ port: 8234, endpoint: 'http://127.0.0.1:8234/codec' });
  });

  it('follows the environment, but never puts every service on a shell PORT', () => {
    const plan = planStart({ PORT: '9999', INVENTORY_PORT: '4006', EMBEDDED_POSTGRES_PORT: '5555', TEMPORAL_UI_PORT: '9233', TEMPORAL_DEV_SERVER_PORT: '9234' });
    const inventory = plan.services.find((service) => service.name === 'inventory');
    expect(inventory).toEqual({ name: 'inventory', port: 4006, url: 'http://127.0.0.1:4006' });
    expect(plan.services.filter((service) => service.port === 9999)).toEqual([]);
    expect(plan.postgres.port).toBe(5555);
    expect(plan.devServer).toMatchObject({ port: 9234, uiPort: 9233 });
  });

  it('claims only the ports it will listen on, each with the variable that moves it', () => {
    const embedded = portClaims(planStart({}));
    expect(embedded.map((claim) => claim.port)).toEqual(expect.arrayContaining([54320, 7233, 8233, 3099, 8234]));
    // The metrics ports apart from the parts' own: the gateway's (not the shoppers' port) and the worker's SDK metrics.
    expect(embedded.filter((claim) => claim.port === 8081 || claim.port === 3098).map((claim) => claim.envVar).sort()).toEqual(['GATEWAY_METRICS_PORT', 'WORKER_SDK_METRICS_PORT']);
    const external = portClaims(planStart({ DATABASE_URL: 'postgres://u:p@db:5432/postgres', TEMPORAL_ADDRESS: 'temporal:7233' }));
    expect(external.map((claim) => claim.port)).not.toEqual(expect.arrayContaining([54320]));
    expect(external.map((claim) => claim.port)).not.toContain(7233);
    expect(external.find((claim) => claim.port === 3006)?.envVar).toBe('INVENTORY_PORT');
    expect(embedded.find((claim) => claim.port === 2525)?.envVar).toBe('MAIL_SERVER_SMTP_PORT');
  });

  it('tells every child where PostgreSQL, Temporal and each service are', () => {
    const plan = planStart({ INVENTORY_PORT: '4006' });
    const env = childEnvironment(plan, 'postgres://postgres:postgres@127.0.0.1:54320/postgres', '127.0.0.1:7233', { PORT: '1', PATH: '/bin' });
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:54320/postgres',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      INVENTORY_URL: 'http://127.0.0.1:4006',
      WORKER_HEALTH_PORT: '3099',
      WORKER_SDK_METRICS_PORT: '3098',
      GATEWAY_METRICS_PORT: '8081',
      PATH: '/bin',
      // The shop's mail goes to the mail server simulator, read back over its HTTP API.
      MAIL_SERVER_URL: 'http://127.0.0.1:3091',
      SMTP_URL: 'smtp://127.0.0.1:2525',
    });
    expect(childEnvironment(planStart({ MAIL_SERVER_SMTP_PORT: '2626' }), 'postgres://db/postgres', '127.0.0.1:7233', {}).SMTP_URL).toBe('smtp://127.0.0.1:2626');
    expect(childEnvironment(plan, 'postgres://db/postgres', '127.0.0.1:7233', { SMTP_URL: 'smtps://mail.example:465' }).SMTP_URL).toBe('smtps://mail.example:465');
    expect(env.PORT).toBeUndefined();
  });
});

it('prints where every part serves its metrics', () => {
  const urls = metricsUrls(planStart({ ORDERS_PORT: '4004' }));
  expect(urls).toEqual(
    expect.arrayContaining(['http://127.0.0.1:4004/metrics', 'http://127.0.0.1:8081/metrics', 'http://127.0.0.1:3099/metrics', 'http://127.0.0.1:3098/metrics', 'http://127.0.0.1:8234/metrics']),
  );
  expect(urls).toHaveLength(IMPLEMENTED_SERVICES.length + 4);
});

describe('the parts npm start runs', () => {
  const parts = processParts(planStart({}));

  it('lists every process after PostgreSQL and Temporal, one entry each, by stage', () => {
    expect(parts.map((part) => part.name)).toEqual([...SIMULATOR_NAMES, ...IMPLEMENTED_SERVICES, 'worker', 'gateway', 'codec-server', 'seed']);
    for (const part of parts) {
      expect(existsSync(path.resolve(__dirname, '../..', part.entry))).toBe(true);
      expect(PROCESS_STAGES).toContain(part.stage);
    }
    const inventory = parts.find((part) => part.name === 'inventory');
    expect(inventory).toMatchObject({ stage: 'services', kind: 'supervised', entry: 'services/inventory/main.ts', readyUrl: 'http://127.0.0.1:3006/ready', env: { PORT: '3006' } });
    expect(parts.find((part) => part.name === 'payment-provider')).toMatchObject({ stage: 'services', kind: 'supervised', entry: 'simulators/payment-provider/main.ts', env: { PORT: '3090' } });
    expect(parts.find((part) => part.name === 'gateway')).toMatchObject({ stage: 'edge', kind: 'supervised', readyUrl: 'http://127.0.0.1:8080/ready' });
    expect(parts.find((part) => part.name === 'codec-server')).toMatchObject({ stage: 'edge', kind: 'supervised', readyUrl: 'http://127.0.0.1:8234/ready', env: { CODEC_SERVER_PORT: '8234' } });
    // The demo data loads once; it is not restarted.
    expect(parts.find((part) => part.name === 'seed')).toMatchObject({ stage: 'edge', kind: 'task' });
  });

  it("waits for the worker's shutdown grace time, and more, before killing it", () => {
    const worker = parts.find((part) => part.name === 'worker')!;
    expect(WORKER_SHUTDOWN_GRACE_MS).toBeGreaterThan(0);
    expect(WORKER_SHUTDOWN_FORCE_MS).toBeGreaterThan(WORKER_SHUTDOWN_GRACE_MS);
    expect(worker.stopGraceMs).toBeGreaterThan(WORKER_SHUTDOWN_FORCE_MS);
  });

  it('takes the crash-loop limit from the environment, and refuses nonsense', () => {
    expect(restartPolicyFromEnv({})).toEqual(DEFAULT_RESTART_POLICY);
    expect(restartPolicyFromEnv({ CRASH_LOOP_LIMIT: '20', CRASH_LOOP_WINDOW_SECONDS: '60' })).toMatchObject({ maxCrashes: 20, windowMs: 60_000 });
    expect(() => restartPolicyFromEnv({ CRASH_LOOP_LIMIT: 'many' })).toThrow(/CRASH_LOOP_LIMIT must be a whole number of at least 2, not "many"/);
  });
});

describe('describeExit', () => {
  it('says how a process ended', () => {
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('was killed by SIGKILL');
    expect(describeExit({ code: 1, signal: null })).toBe('exited with code 1');
    expect(describeExit({ code: 70, signal: null })).toBe('exited with code 70 (an unhandled error: see its log)');
    expect(describeExit({ code: null, signal: null })).toBe('exited');
  });
});

describe('assertPortsFree', () => {
  let server: Server;
  let taken: number;
  beforeAll(async () => {
    taken = await getFreePort();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(taken, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('names each taken port and the variable that moves it', async () => {
    const free = await getFreePort();
    await expect(assertPortsFree([{ port: free, what: 'a', envVar: 'A_PORT' }])).resolves.toBeUndefined();
    await expect(
      assertPortsFree([
        { port: free, what: 'the a service', envVar: 'A_PORT' },
        { port: taken, what: 'the inventory service', envVar: 'INVENTORY_PORT' },
        { port: free, what: 'the b service', envVar: 'B_PORT' },
      ]),
    ).rejects.toThrow(
      new RegExp(`port ${taken} \\(the inventory service\\) is already in use.*set INVENTORY_PORT[\\s\\S]*port ${free} is wanted by both the a service and the b service`),
    );
  });
});

describe('startProcess', () => {
  it('keeps the last lines, and waitForHttp fails early naming the process that died', async () => {
    const lines: string[] = [];
    const child = startProcess({
      name: 'dies',
      command: process.execPath,
      args: ['-e', 'console.log("starting"); console.error("database unreachable"); process.exit(3)'],
      onLine: (line) => lines.push(line),
    });
    const port = await getFreePort();
    await expect(waitForHttp(`http://127.0.0.1:${port}/ready`, { timeoutMs: 10_000, what: 'the dying service', process: child })).rejects.toThrow(
      /the dying service exited with code 3 before it was ready; its last lines:\n[\s\S]*database unreachable/,
    );
    expect(lines).toEqual(expect.arrayContaining(['starting', 'database unreachable']));
  });

  it('stops with SIGTERM, and with SIGKILL after the grace period', async () => {
    const polite = startProcess({ name: 'polite', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] });
    expect(await polite.stop({ graceMs: 5000 })).toEqual({ code: null, signal: 'SIGTERM' });
    // Only once it says "up" has it installed the handler that ignores SIGTERM.
    let up!: () => void;
    const isUp = new Promise<void>((resolve) => (up = resolve));
    const stubborn = startProcess({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', 'process.on("SIGTERM", () => console.log("ignored")); console.log("up"); setInterval(() => {}, 1000)'],
      onLine: (line) => line === 'up' && up(),
    });
    await isUp;
    expect(await stubborn.stop({ graceMs: 300 })).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('reports a command that cannot start', async () => {
    const missing = startProcess({ name: 'missing', command: '/nonexistent/binary', args: [] });
    const exit = await missing.exited;
    expect(exit.error?.message).toMatch(/ENOENT/);
  });
});

describe('formatLogLine', () => {
  it('renders pino lines for people and leaves anything else alone', () => {
    const request = JSON.stringify({ level: 30, time: 1, pid: 1, hostname: 'h', name: 'inventory', req: { method: 'GET', url: '/stock/X' }, res: { statusCode: 404 }, responseTime: 3, msg: 'request completed' });
    expect(formatLogLine(request)).toBe('INFO  request completed GET /stock/X -> 404 (3 ms)');
    expect(formatLogLine(JSON.stringify({ level: 40, msg: 'slow', sku: 'A' }))).toBe('WARN  slow {"sku":"A"}');
    expect(formatLogLine('plain text')).toBe('plain text');
    expect(formatLogLine('{"not":"pino"}')).toBe('{"not":"pino"}');
  });
});

describe('partCommand', () => {
  it('runs the built JavaScript with node, or the source with tsx under --watch, with the V8 memory settings and SHOP_NODE_ARGS for node', () => {
    const built = partCommand('services/orders/main.ts', 'built', { SHOP_NODE_ARGS: '--cpu-prof  --cpu-prof-dir=/tmp/p' });
    expect(built.command).toBe(process.execPath);
    expect(built.args).toEqual([...LEAN_NODE_ARGS, '--cpu-prof', '--cpu-prof-dir=/tmp/p', path.resolve(__dirname, '../../dist/services/orders/main.js')]);
    const sources = partCommand('services/orders/main.ts', 'sources', {});
    expect(sources.args).toEqual(['--watch', '--watch-preserve-output', ...LEAN_NODE_ARGS, '--import', 'tsx', path.resolve(__dirname, '../../services/orders/main.ts')]);
    // A task (the demo data) runs once: --watch would keep it waiting for changes.
    expect(partCommand('scripts/seed.ts', 'sources', {}, 'task').args).toEqual([...LEAN_NODE_ARGS, '--import', 'tsx', path.resolve(__dirname, '../../scripts/seed.ts')]);
  });
});
