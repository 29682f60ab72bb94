import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporalCliPath } from '../../dev/temporal-binaries';
import { devServerArgs, startTemporalDevServer } from '../../dev/temporal-dev-server';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from '../../temporal.config';
import { getFreePort } from '../support/ports';

const cliPath = temporalCliPath();

describe('devServerArgs', () => {
  it('binds loopback, persists with WAL and passes every search attribute', () => {
    const args = devServerArgs({ cliPath: 'temporal', dbFile: '/data/t.db', port: 17233, uiPort: 18233, namespace: 'shop' }).join(' ');
    expect(args).toContain('server start-dev --ip 127.0.0.1 --port 17233 --ui-port 18233 --ui-disable-news-fetch --namespace shop');
    expect(args).toContain('--db-filename /data/t.db --sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=NORMAL');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_REGISTRATIONS)) expect(args).toContain(`--search-attribute ${name}=${type}`);
    expect(devServerArgs({ cliPath: 'temporal', port: 1, uiPort: false })).toContain('--headless');
  });

  it('points the UI at the codec server when given one', () => {
    expect(devServerArgs({ cliPath: 'temporal', port: 1, uiPort: 2, uiCodecEndpoint: 'http://127.0.0.1:8234/codec' }).join(' ')).toContain('--ui-codec-endpoint http://127.0.0.1:8234/codec');
    expect(devServerArgs({ cliPath: 'temporal', port: 1, uiPort: 2 }).join(' ')).not.toContain('--ui-codec-endpoint');
  });
});

it('says so when the CLI cannot be run', async () => {
  await expect(startTemporalDevServer({ cliPath: '/nonexistent/temporal', port: await getFreePort(), uiPort: false })).rejects.toThrow(
    /could not be started: .*ENOENT/,
  );
});

(cliPath ? describe : describe.skip)('startTemporalDevServer (real dev server)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-devserver-test-'));
  const dbFile = path.join(dir, 'temporal.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function customAttributes(address: string): Promise<Record<string, unknown>> {
    const connection = await Connection.connect({ address });
    try {
      const listed = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      return listed.customAttributes ?? {};
    } finally {
      await connection.close();
    }
  }

  it('starts on free ports with its UI, registers the search attributes, and restarts on the same database', async () => {
    const [port, uiPort] = [await getFreePort(), await getFreePort()];
    const first = await startTemporalDevServer({ cliPath: cliPath!, dbFile, port, uiPort });
    try {
      expect(first.address).toBe(`127.0.0.1:${port}`);
      expect((await fetch(first.uiUrl!)).status).toBe(200);
      expect(Object.keys(await customAttributes(first.address))).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTE_REGISTRATIONS)));
      const connection = await Connection.connect({ address: first.address });
      await connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: { KeptAcrossRestarts: 2 } });
      await connection.close();
    } finally {
      await first.stop();
    }

    // Same file, same --search-attribute flags: must start, and keep what it had.
    const second = await startTemporalDevServer({ cliPath: cliPath!, dbFile, port, uiPort: false });
    try {
      const attributes = Object.keys(await customAttributes(second.address));
      expect(attributes).toEqual(expect.arrayContaining([...Object.keys(SEARCH_ATTRIBUTE_REGISTRATIONS), 'KeptAcrossRestarts']));
    } finally {
      await second.stop();
    }
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it('fails with the server output when the server exits while starting', async () => {
    const bad = { cliPath: cliPath!, port: await getFreePort(), uiPort: false as const, logLevel: 'loud' as 'warn' };
    await expect(startTemporalDevServer(bad)).rejects.toThrow(/Temporal dev server .* exited while starting \(port \d+\)/);
  });

  it('fails when its port is taken, instead of talking to whatever holds it', async () => {
    const port = await getFreePort();
    const running = await startTemporalDevServer({ cliPath: cliPath!, port, uiPort: false });
    try {
      await expect(startTemporalDevServer({ cliPath: cliPath!, port, uiPort: false, startTimeoutMs: 20_000 })).rejects.toThrow(/port \d+ \(the Temporal dev server\) is already in use/);
    } finally {
      await running.stop();
    }
  });
});
