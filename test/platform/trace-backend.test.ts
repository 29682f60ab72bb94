/**
 * `npm start -- --traces`: the plan (ports, what every part is told) and the
 * real Jaeger it runs, built as `npm run setup` builds it, started the way
 * `npm start` starts it, sent a span the way the parts send theirs.
 */
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../platform/project-root';
import { tsxCommand } from '../../dev/processes';
import { childEnvironment, planStart, portClaims, type StartPlan } from '../../dev/start';
import { Supervisor } from '../../dev/supervisor';
import { installJaeger, jaegerInstalled, traceBackendPart, type TraceBackendPlan } from '../../dev/trace-backend';
import { eventually } from '../support/eventually';
import { getFreePort } from '../support/ports';

const execFileAsync = promisify(execFile);

/** What Jaeger's query API answers for a trace (the part of it this test reads). */
interface JaegerTrace {
  traceID: string;
  spans: { operationName: string; tags: { key: string; type: string; value: unknown }[] }[];
  processes: Record<string, { serviceName: string }>;
}

const DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:54320/postgres';

describe('the plan of npm start -- --traces', () => {
  it("claims Jaeger's ports, each with the variable that moves it, only with the flag", () => {
    const claims = portClaims(planStart({}, 'built', { traces: true }));
    expect(claims.filter((claim) => claim.envVar?.startsWith('JAEGER_')).map((claim) => [claim.port, claim.envVar])).toEqual([
      [4318, 'JAEGER_OTLP_HTTP_PORT'],
      [16686, 'JAEGER_UI_PORT'],
      [13133, 'JAEGER_HEALTH_PORT'],
    ]);
    expect(portClaims(planStart({ JAEGER_UI_PORT: '26686' }, 'built', { traces: true })).map((claim) => claim.port)).toContain(26686);
    expect(portClaims(planStart({})).filter((claim) => claim.envVar?.startsWith('JAEGER_'))).toEqual([]);
    expect(() => planStart({ JAEGER_OTLP_HTTP_PORT: 'otlp' }, 'built', { traces: true })).toThrow(/JAEGER_OTLP_HTTP_PORT must be a port number, not "otlp"/);
  });

  it('points every part at the local Jaeger, whatever endpoint the shell had', () => {
    const shell = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' };
    const traced = childEnvironment(planStart({ JAEGER_OTLP_HTTP_PORT: '14318' }, 'built', { traces: true }), DATABASE_URL, '127.0.0.1:7233', shell);
    expect(traced.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:14318');
    expect(traced.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).toBeUndefined();
    // Without the flag, tracing is the shell's business.
    expect(childEnvironment(planStart({}), DATABASE_URL, '127.0.0.1:7233', shell)).toMatchObject(shell);
    expect(childEnvironment(planStart({}), DATABASE_URL, '127.0.0.1:7233', {}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });
});

/** Whether something accepts TCP connections on host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('Jaeger as npm start runs it', () => {
  const supervisor = new Supervisor({ onEvent: () => undefined });
  let startPlan: StartPlan;
  let plan: TraceBackendPlan;

  beforeAll(async () => {
    // `npm test` has built it already (dev/setup-tools.ts); a bare `npx jest` builds it here, as setup would.
    expect(installJaeger()).toBe(true);
    expect(jaegerInstalled()).toBe(true);
    const [otlp, ui, health] = [await getFreePort(), await getFreePort(), await getFreePort()];
    startPlan = planStart({ JAEGER_OTLP_HTTP_PORT: String(otlp), JAEGER_UI_PORT: String(ui), JAEGER_HEALTH_PORT: String(health) }, 'built', { traces: true });
    plan = startPlan.traceBackend!;
    await supervisor.startStage([traceBackendPart(plan)]);
  }, 30 * 60_000);

  afterAll(() => supervisor.stopAll());

  it("receives a part's spans over OTLP/HTTP, with the environment npm start gives it, and returns them through its query API", async () => {
    const env = childEnvironment(startPlan, DATABASE_URL, '127.0.0.1:7233', { PATH: process.env.PATH });
    const { command, args } = tsxCommand(path.join(__dirname, 'fixtures', 'emit-span.ts'));
    const { stdout: traceId } = await execFileAsync(command, args, { env, cwd: PROJECT_ROOT });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const found = await eventually(`trace ${traceId} in Jaeger`, async () => {
      const response = await fetch(`${plan.uiUrl}/api/traces/${traceId}`);
      if (response.status !== 200) return undefined;
      return (await response.json()) as { data: JaegerTrace[] };
    });
    expect(found.data).toHaveLength(1);
    const [trace] = found.data;
    expect(trace!.traceID).toBe(traceId);
    expect(trace!.spans.map((span) => span.operationName)).toEqual(['POST /checkouts']);
    expect(trace!.spans[0]!.tags).toEqual(expect.arrayContaining([{ key: 'shop.request_id', type: 'string', value: 'req-1' }]));
    expect(Object.values(trace!.processes).map((process) => process.serviceName)).toEqual(['emit-span']);
  });

  it('listens on loopback only', async () => {
    const ports = [plan.otlpPort, plan.uiPort, plan.healthPort];
    for (const port of ports) expect(await accepts('127.0.0.1', port)).toBe(true);
    const outward = Object.values(os.networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
      .map((address) => address!.address);
    for (const address of outward) for (const port of ports) expect(await accepts(address, port)).toBe(false);
  });
});
