/**
 * npm run build (scripts/build.ts), for real, into a folder of this test's own:
 * every module is compiled, a built service runs with plain node, the worker
 * loads the prebuilt workflow bundle and that bundle replays the recorded
 * checkout histories, and a part is rebuilt exactly when its inputs change.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { startProcess, waitForHttp, type ManagedProcess } from '../../dev/processes';
import { builtPath, buildIfStale, codeSources, inputsHash, isStale, shopEntryPoints, type BuildTarget } from '../../scripts/build';
import { CHECKOUT_METRICS } from '../../workflows/metrics';
import { WORKFLOW_BUNDLE_FILE, workflowCodeSource } from '../../worker/config';
import { buildIntoTestFolder, requiredClosure, root } from '../support/build';
import { createTestDatabase } from '../support/database';
import { getFreePort } from '../support/ports';
import { HISTORIES_DIR, historyFromText, quietRuntime } from '../workflows/support';

let build: Awaited<ReturnType<typeof buildIntoTestFolder>>;

beforeAll(async () => {
  quietRuntime();
  build = await buildIntoTestFolder();
}, 180_000);
afterAll(() => build?.remove());

describe('npm run build', () => {
  it('compiles every module outside the tests, one JavaScript file each, with the specs beside them', () => {
    const sources = codeSources();
    expect(sources.length).toBeGreaterThan(100);
    expect(sources.filter((file) => !existsSync(builtPath(path.relative(root, file), build.outDir)))).toEqual([]);
    for (const entry of [...shopEntryPoints(), 'simulators/payment-provider/main.ts', 'dev/start.ts', 'bench/main.ts']) {
      expect([entry, existsSync(builtPath(entry, build.outDir))]).toEqual([entry, true]);
    }
    // The specs, and the definitions they share (openapi/shared/), which the services read at start.
    expect(readdirSync(path.join(build.outDir, 'openapi')).sort()).toEqual(readdirSync(path.join(root, 'openapi')).filter((file) => file.endsWith('.yaml') || file === 'shared').sort());
    expect(existsSync(path.join(build.outDir, 'web', 'dist', 'index.html'))).toBe(true);
  });

  it('makes every module runnable from dist/: nothing compiled requires a module that is not (tests, say)', () => {
    const all = codeSources().map((file) => path.relative(build.outDir, builtPath(path.relative(root, file), build.outDir)));
    expect(requiredClosure(build.outDir, all).missing).toEqual([]);
  });

  it('leaves the dependencies in node_modules: the output requires them, it does not contain them', () => {
    const main = readFileSync(builtPath('platform/http/app.ts', build.outDir), 'utf8');
    expect(main).toMatch(/require\("express"\)/);
    expect(main).not.toMatch(/function Router\(/);
  });

  it('makes a service that runs with plain node, reading its spec from the build', async () => {
    const port = await getFreePort();
    let service: ManagedProcess | undefined;
    try {
      service = startProcess({
        name: 'built inventory',
        command: process.execPath,
        args: [builtPath('services/inventory/main.ts', build.outDir)],
        env: { ...process.env, INVENTORY_DATABASE_URL: await createTestDatabase('built_inventory'), PORT: String(port), SERVICE_CLIENT_SECRET: 'built-service-test' },
      });
      await waitForHttp(`http://127.0.0.1:${port}/ready`, { timeoutMs: 60_000, what: 'the built inventory service', process: service });
      const spec = (await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()) as { info: { title: string } };
      expect(spec.info.title).toMatch(/inventory/i);
      expect(await service.stop({ graceMs: 15_000 })).toEqual({ code: 0, signal: null });
    } finally {
      await service?.stop({ signal: 'SIGKILL' });
    }
  }, 90_000);
});

describe('the prebuilt workflow bundle', () => {
  it('is what the built worker loads, while the worker run from the sources bundles workflows/ itself', () => {
    expect(workflowCodeSource(path.join(build.outDir, 'worker'))).toEqual({ workflowBundle: { codePath: path.join(build.outDir, WORKFLOW_BUNDLE_FILE) } });
    expect(workflowCodeSource(path.join(root, 'worker'))).toEqual({ workflowsPath: require.resolve('../../workflows') });
  });

  it("carries the worker's workflow interceptors (the checkout's metrics, tracing), as the worker from the sources adds them", () => {
    const code = readFileSync(path.join(build.outDir, WORKFLOW_BUNDLE_FILE), 'utf8');
    for (const name of Object.values(CHECKOUT_METRICS)) expect(code).toContain(`'${name}'`);
    expect(code).toContain('OpenTelemetryInboundInterceptor');
  });

  it('replays every recorded checkout history without nondeterminism', async () => {
    const source = workflowCodeSource(path.join(build.outDir, 'worker'));
    const files = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(3);
    const histories = files.map((file) => ({ workflowId: `replay-${file}`, history: historyFromText(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ ...source }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('building only what is stale', () => {
  const dir = path.join(root, '.data', 'test-builds', `stale-${process.pid}`);
  const input = path.join(dir, 'input.txt');
  const output = path.join(dir, 'out', 'output.txt');
  let builds = 0;
  const target: BuildTarget = {
    name: 'test part',
    inputs: async () => [input],
    stampFiles: () => [path.join(dir, 'out', '.stamp')],
    async build() {
      builds += 1;
      mkdirSync(path.dirname(output), { recursive: true });
      writeFileSync(output, readFileSync(input, 'utf8').toUpperCase());
    },
  };
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(input, 'one');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds once, skips while the inputs are the same, and builds again when one changes', async () => {
    const said: string[] = [];
    const say = (message: string) => said.push(message);
    expect(await isStale(target)).toBe(true);
    await buildIfStale([target], { say });
    await buildIfStale([target], { say });
    expect(builds).toBe(1);
    expect(said).toEqual([expect.stringMatching(/^build: test part built in/), 'build: test part is current']);
    writeFileSync(input, 'two');
    expect(await isStale(target)).toBe(true);
    await buildIfStale([target], { say });
    expect(builds).toBe(2);
    expect(readFileSync(output, 'utf8')).toBe('TWO');
    await buildIfStale([target], { say, force: true });
    expect(builds).toBe(3);
  });

  it('keeps a hash of the inputs that a failed build does not update', async () => {
    const failing: BuildTarget = {
      ...target,
      build: async () => {
        throw new Error('compile error');
      },
    };
    writeFileSync(input, 'three');
    await expect(buildIfStale([failing], { say: () => undefined })).rejects.toThrow('compile error');
    expect(readFileSync(path.join(dir, 'out', '.stamp'), 'utf8').trim()).not.toBe(inputsHash([input]));
    expect(await isStale(target)).toBe(true);
  });

  it('rebuilds the shop when a source changes: every module of ours is an input of the code', async () => {
    const sources = codeSources();
    for (const file of ['services/orders/domain.ts', 'platform/db.ts', 'gateway/main.ts', 'worker/main.ts', 'temporal.config.ts']) {
      expect(sources).toContain(path.join(root, file));
    }
    expect(sources.some((file) => file.endsWith('.test.ts'))).toBe(false);
  });
});
