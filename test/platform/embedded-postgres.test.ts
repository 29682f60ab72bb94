import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../dev/embedded-postgres';
import { getFreePort } from '../support/ports';

// The suite's own server (test/global-setup.ts) covers the non-persistent path; this covers reuse and crash recovery.
describe('startEmbeddedPostgres, persistent', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'shop-embedded-pg-test-'));
  // When the tests run as root, PostgreSQL runs as the postgres user and must reach the data directory.
  chmodSync(root, 0o755);
  const dataDir = path.join(root, 'data');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function query(url: string, sql: string): Promise<unknown[]> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('keeps its data across a restart, ignores a stale postmaster.pid, and listens on loopback only', async () => {
    const port = await getFreePort();
    const first = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    try {
      expect(first.adminUrl).toBe(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
      await query(first.adminUrl, 'create table kept (value text); insert into kept values (\'still here\')');
      expect(await query(first.adminUrl, 'show listen_addresses')).toEqual([{ listen_addresses: '127.0.0.1' }]);
    } finally {
      await first.stop();
    }
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

    // As after a crash, with the pid since reused by another (live, non-PostgreSQL) process: this one.
    const pidFile = path.join(dataDir, 'postmaster.pid');
    writeFileSync(pidFile, `${process.pid}\n${dataDir}\n0\n${port}\n`);
    const lines: string[] = [];
    const second = await startEmbeddedPostgres({ dataDir, port, persistent: true, onLog: (line) => lines.push(line) });
    try {
      expect(await query(second.adminUrl, 'select value from kept')).toEqual([{ value: 'still here' }]);
      expect(lines.join('\n')).toMatch(/removed a stale postmaster.pid/);
      expect(Number(readFileSync(pidFile, 'utf8').split('\n')[0])).not.toBe(process.pid);
    } finally {
      await second.stop();
    }
  });

  it('says why, at once, when the server exits while starting', async () => {
    const broken = path.join(root, 'broken');
    mkdirSync(broken, { mode: 0o700 });
    writeFileSync(path.join(broken, 'PG_VERSION'), '17\n'); // looks initialised, but is not a cluster
    if (process.getuid?.() === 0) chownSync(broken, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    // "exited while starting" (not a start timeout) is the proof it did not wait for one.
    await expect(startEmbeddedPostgres({ dataDir: broken, port: await getFreePort(), persistent: true })).rejects.toThrow(
      /PostgreSQL exited while starting[\s\S]*postgresql\.conf/,
    );
  });

  it('says why when it cannot start (port taken)', async () => {
    const port = await getFreePort();
    const other = await startEmbeddedPostgres({ dataDir: path.join(root, 'other'), port, persistent: false });
    try {
      await expect(startEmbeddedPostgres({ dataDir, port, persistent: true })).rejects.toThrow(/port \d+ \(the embedded PostgreSQL\) is already in use.*EMBEDDED_POSTGRES_PORT/);
    } finally {
      await other.stop();
    }
    expect(existsSync(path.join(root, 'other'))).toBe(false);
  });
});
