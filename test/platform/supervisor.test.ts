/**
 * The supervisor of `npm start` (dev/supervisor.ts), with real child
 * processes: small HTTP servers stand in for the shop's parts, and a real
 * embedded PostgreSQL is the foundation.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Supervisor, type Part, type RestartPolicy, type SupervisorEvent } from '../../dev/supervisor';
import { startProcess, type ManagedProcess } from '../../dev/processes';
import { embeddedPostgresPart, postmasterPid } from '../../dev/start';
import { getFreePort } from '../support/ports';

jest.setTimeout(120_000);

/** A part: answers every request with its name and pid; with EXIT_AFTER_READY, exits 1 once it has answered. */
const PART_SOURCE = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ name: process.env.PART_NAME, pid: process.pid }), () => {
    if (process.env.EXIT_AFTER_READY) process.exit(1);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(process.env.PART_NAME + ' serving on ' + process.env.PORT));
`;

const FAST: RestartPolicy = { firstDelayMs: 20, maxDelayMs: 200, maxCrashes: 3, windowMs: 600_000 };

interface TestPart extends Part {
  url: string;
  /** Every instance started, oldest first. */
  instances: ManagedProcess[];
}

async function testPart(name: string, env: Record<string, string> = {}): Promise<TestPart> {
  const port = await getFreePort();
  const instances: ManagedProcess[] = [];
  return {
    name,
    kind: 'supervised',
    url: `http://127.0.0.1:${port}`,
    readyUrl: `http://127.0.0.1:${port}/ready`,
    readyTimeoutMs: 60_000,
    stopGraceMs: 5_000,
    instances,
    start: () => {
      const instance = startProcess({
        name,
        command: process.execPath,
        args: ['-e', PART_SOURCE],
        env: { ...process.env, PART_NAME: name, PORT: String(port), ...env },
      });
      instances.push(instance);
      return instance;
    },
  };
}

/** The supervisor's events, and a way to wait for one. */
function recorder() {
  const events: SupervisorEvent[] = [];
  const waiting: { match: (event: SupervisorEvent) => boolean; resolve: (event: SupervisorEvent) => void }[] = [];
  return {
    events,
    onEvent: (event: SupervisorEvent) => {
      events.push(event);
      for (const waiter of waiting.filter((candidate) => candidate.match(event))) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    },
    next: (match: (event: SupervisorEvent) => boolean) =>
      new Promise<SupervisorEvent>((resolve) => {
        const seen = events.find(match);
        if (seen) resolve(seen);
        else waiting.push({ match, resolve });
      }),
  };
}

async function whoAnswers(part: TestPart): Promise<{ name: string; pid: number }> {
  const response = await fetch(`${part.url}/who`);
  return (await response.json()) as { name: string; pid: number };
}

describe('the supervisor', () => {
  it('restarts a part killed with SIGKILL, says so, and the others never stop', async () => {
    const record = recorder();
    const supervisor = new Supervisor({ policy: { ...FAST, maxCrashes: 5 }, onEvent: record.onEvent });
    const [alpha, beta, gamma] = await Promise.all([testPart('alpha'), testPart('beta'), testPart('gamma')]);
    try {
      await supervisor.startStage([alpha!, beta!, gamma!]);
      const before = await Promise.all([alpha!, beta!, gamma!].map(whoAnswers));

      process.kill(before[1]!.pid, 'SIGKILL');
      const back = await record.next((event) => event.type === 'restarted' && event.part === 'beta');

      const after = await Promise.all([alpha!, beta!, gamma!].map(whoAnswers));
      expect(after[1]!.name).toBe('beta');
      expect(after[1]!.pid).not.toBe(before[1]!.pid);
      expect(back.pid).toBe(after[1]!.pid);
      // The others: the very same processes, never stopped nor restarted.
      expect([after[0]!.pid, after[2]!.pid]).toEqual([before[0]!.pid, before[2]!.pid]);
      expect(alpha!.instances).toHaveLength(1);
      expect(gamma!.instances).toHaveLength(1);
      expect(alpha!.instances[0]!.hasExited() || gamma!.instances[0]!.hasExited()).toBe(false);

      const crash = record.events.find((event) => event.type === 'crashed');
      expect(crash).toMatchObject({ part: 'beta', pid: before[1]!.pid });
      expect(crash!.message).toMatch(new RegExp(`^beta \\(pid ${before[1]!.pid}\\) was killed by SIGKILL after running for .*\\.`));
      expect(crash!.message).toMatch(/Its last lines:\n\s+beta serving on \d+/);
      expect(crash!.message).toMatch(/Restarting it in 0\.0 s, at \d\d:\d\d:\d\d \(crash 1 within 10 min; 5 would be a crash loop/);
      expect(back.message).toMatch(/^beta is back: pid \d+, ready in .* \(restart 1\)$/);
      expect(record.events.map((event) => `${event.type} ${event.part}`)).toEqual(['crashed beta', 'restarted beta']);
    } finally {
      await supervisor.stopAll();
    }
    for (const part of [alpha!, beta!, gamma!]) expect(part.instances.every((instance) => instance.hasExited())).toBe(true);
  });

  it('stops everything, saying why, when a part keeps crashing', async () => {
    const record = recorder();
    const supervisor = new Supervisor({ policy: FAST, onEvent: record.onEvent });
    const steady = await testPart('steady');
    const flaky = await testPart('flaky', { EXIT_AFTER_READY: '1' });
    await supervisor.startStage([steady]);
    await supervisor.startStage([flaky]);

    const failure = await supervisor.failed;
    expect(failure).toMatchObject({ type: 'gave-up', part: 'flaky' });
    expect(failure.message).toMatch(/^flaky is in a crash loop: 3 crashes within 10 min\. Restarting it again would only hide the problem, so everything stops\./);
    expect(failure.message).toMatch(/The last time \(pid \d+\), it exited with code 1 after running for|The last time, it did not come back: flaky exited with code 1/);
    expect(record.events.filter((event) => event.type === 'crashed').map((event) => event.part)).toEqual(['flaky', 'flaky']);

    await supervisor.stopAll();
    expect(await steady.instances[0]!.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(steady.instances).toHaveLength(1);
    expect(flaky.instances).toHaveLength(3);
  });

  it('stops everything when PostgreSQL dies: it is the foundation', async () => {
    const record = recorder();
    const supervisor = new Supervisor({ policy: FAST, onEvent: record.onEvent });
    const dataDir = path.join(os.tmpdir(), `shop-supervisor-pg-${randomBytes(6).toString('hex')}`);
    const app = await testPart('app');
    try {
      await supervisor.startStage([embeddedPostgresPart({ dataDir, port: await getFreePort(), persistent: false })]);
      await supervisor.startStage([app]);
      const pid = postmasterPid(dataDir);
      expect(pid).toBeGreaterThan(0);

      process.kill(pid!, 'SIGKILL');
      const failure = await supervisor.failed;
      expect(failure).toMatchObject({ type: 'gave-up', part: 'postgres', pid });
      expect(failure.message).toMatch(new RegExp(`^PostgreSQL \\(pid ${pid}\\) exited after running for .*\\. It is the foundation every other part stands on, so everything stops\\.`));
      await supervisor.stopAll();
      expect(await app.instances[0]!.exited).toEqual({ code: null, signal: 'SIGTERM' });
      expect(record.events.map((event) => event.type)).toEqual(['gave-up']);
    } finally {
      await supervisor.stopAll();
    }
  });
});
