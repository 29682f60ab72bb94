import http from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { readServiceConfig, startService } from '../../platform/service-main';
import { startProcess, tsxCommand, waitForHttp } from '../../dev/processes';
import { inventoryService } from '../../services/inventory/main';
import { getFreePort } from '../support/ports';
import { asAdmin, testTokenVerifier } from '../support/auth';
import { createTestDatabase } from '../support/database';

const ROOT = path.resolve(__dirname, '../..');

/** A request whose body is sent in two parts: it is in flight until `finish()`. */
function requestInFlight(url: string, options: { method: string; path: string; headers: Record<string, string>; body: string }) {
  const { port } = new URL(url);
  const request = http.request({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: { ...options.headers, 'content-length': String(options.body.length) } });
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
  });
  request.write(options.body.slice(0, 5));
  return { answered, finish: () => request.end(options.body.slice(5)) };
}

/** Resolves once `server` has received a request for `pathname` (its headers, not necessarily its body). */
function received(server: http.Server, pathname: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (req: http.IncomingMessage) => {
      if (req.url !== pathname) return;
      server.off('request', listener);
      resolve();
    };
    server.on('request', listener);
  });
}

describe('starting a service', () => {
  it('stops at once, naming the variables, when no database is configured', () => {
    expect(() => readServiceConfig('inventory', {})).toThrow(/inventory: invalid configuration[\s\S]*DATABASE_URL[\s\S]*INVENTORY_DATABASE_URL/);
  });

  it('stops at once when the database refuses it, naming the database without its password', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.password = 's3cret';
    const failure = startService(inventoryService, { DATABASE_URL: url.toString(), PORT: '0' });
    await expect(failure).rejects.toThrow(new RegExp(`inventory: cannot open its database at postgres://postgres:\\*\\*\\*@127.0.0.1:${url.port}/shop_inventory: .*password authentication failed`));
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('waits for a database that is not reachable yet, saying so, and becomes ready once it appears', async () => {
    // The database "appears" when a TCP relay to the test server starts listening on the port the service was given.
    const testServer = new URL(process.env.TEST_DATABASE_URL!);
    const relayPort = await getFreePort();
    const databaseUrl = new URL(await createTestDatabase('late_database'));
    databaseUrl.port = String(relayPort);
    const port = await getFreePort();
    const lines: string[] = [];
    let sawWaiting: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (sawWaiting = resolve));
    const { command, args } = tsxCommand(path.join(ROOT, 'services/inventory/main.ts'));
    const service = startProcess({
      name: 'inventory',
      command,
      args,
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', INVENTORY_DATABASE_URL: databaseUrl.toString(), PORT: String(port), SERVICE_CLIENT_SECRET: 'late-database-test' },
      onLine: (line) => {
        lines.push(line);
        if (line.includes('waiting for the database')) sawWaiting();
      },
    });
    const sockets = new Set<Socket>();
    let relay: Server | undefined;
    try {
      await Promise.race([waiting, service.exited.then((exit) => Promise.reject(new Error(`the service ended (${JSON.stringify(exit)}):\n${service.recentOutput()}`)))]);
      const waitLine = JSON.parse(lines.find((line) => line.includes('waiting for the database'))!) as { level: number; msg: string };
      expect(waitLine.level).toBe(40);
      expect(waitLine.msg).toMatch(new RegExp(`^waiting for the database postgres://postgres:\\*\\*\\*@127.0.0.1:${relayPort}/test_late_database_\\w+ \\(unreachable for .*ECONNREFUSED.*\\); next try within`));

      relay = createServer((client) => {
        const upstream = connect(Number(testServer.port), '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => sockets.delete(socket));
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => relay!.listen(relayPort, '127.0.0.1', resolve));

      await waitForHttp(`http://127.0.0.1:${port}/ready`, { timeoutMs: 60_000, what: 'the inventory service', process: service });
      expect(lines.join('\n')).toMatch(/is reachable, after/);
    } finally {
      await service.stop({ graceMs: 10_000 });
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
    }
  });
});

describe('stopping a service', () => {
  it('answers /ready with 503 from the moment it starts draining, still takes requests, and finishes the one in flight', async () => {
    const running = await startService(
      inventoryService,
      // A long drain: the test ends it itself with a second stop().
      { INVENTORY_DATABASE_URL: await createTestDatabase('graceful'), PORT: '0', SHUTDOWN_DRAIN_MS: '600000' },
      { auth: testTokenVerifier },
    );
    const admin = await asAdmin();
    expect((await fetch(`${running.url}/ready`)).status).toBe(200);

    const arrived = received(running.server, '/stock/GRACEFUL-1');
    const inFlight = requestInFlight(running.url, {
      method: 'PUT',
      path: '/stock/GRACEFUL-1',
      headers: { authorization: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ onHand: 7 }),
    });
    await arrived;
    const stopped = running.stop();

    const ready = await fetch(`${running.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await ready.json()).toMatchObject({ type: 'draining', status: 503 });
    // Still alive and still taking requests: the load balancer is what stops sending them.
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
    const late = await fetch(`${running.url}/stock/GRACEFUL-1`, { headers: { authorization: admin } });
    expect(late.headers.get('connection')).toBe('close');
    await late.body?.cancel();

    inFlight.finish();
    const response = await inFlight.answered;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ sku: 'GRACEFUL-1', onHand: 7 });

    // A second stop (a second Ctrl-C) ends the drain.
    await running.stop();
    await stopped;
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
  });

  it('without a drain time, stops taking connections at once and still finishes the request in flight', async () => {
    const running = await startService(inventoryService, { INVENTORY_DATABASE_URL: await createTestDatabase('graceful_now'), PORT: '0' }, { auth: testTokenVerifier });
    const arrived = received(running.server, '/stock/GRACEFUL-2');
    const inFlight = requestInFlight(running.url, {
      method: 'PUT',
      path: '/stock/GRACEFUL-2',
      headers: { authorization: await asAdmin(), 'content-type': 'application/json' },
      body: JSON.stringify({ onHand: 3 }),
    });
    await arrived;
    const stopped = running.stop();
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
    inFlight.finish();
    expect((await inFlight.answered).status).toBe(200);
    await stopped;
  });
});
