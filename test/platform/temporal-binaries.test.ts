import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  devServerExecutable,
  findOnPath,
  temporalCliPath,
  testServerExecutable,
  testServerPath,
  VENV_TEMPORAL_CLI,
  VENV_TEST_SERVER,
} from '../../dev/temporal-binaries';
import { setupTemporalBinaries } from '../../dev/setup-temporal';

describe('temporal binaries', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-bin-test-'));
  const fakeCli = path.join(dir, 'temporal');
  writeFileSync(fakeCli, '#!/bin/sh\n');
  chmodSync(fakeCli, 0o755);
  writeFileSync(path.join(dir, 'not-executable'), '');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('env vars win over everything', () => {
    const env = { TEMPORAL_CLI_PATH: '/opt/temporal', TEMPORAL_TEST_SERVER_PATH: '/opt/test-server', PATH: dir };
    expect(temporalCliPath(env)).toBe('/opt/temporal');
    expect(testServerPath(env)).toBe('/opt/test-server');
    expect(devServerExecutable(env)).toEqual({ type: 'existing-path', path: '/opt/temporal' });
    expect(testServerExecutable(env)).toEqual({ type: 'existing-path', path: '/opt/test-server' });
  });

  it('then the project venv, then PATH (CLI only), then the SDK download', () => {
    const env = { PATH: dir };
    if (existsSync(VENV_TEMPORAL_CLI)) expect(temporalCliPath(env)).toBe(VENV_TEMPORAL_CLI);
    else expect(temporalCliPath(env)).toBe(fakeCli);
    if (existsSync(VENV_TEST_SERVER)) expect(testServerExecutable(env)).toEqual({ type: 'existing-path', path: VENV_TEST_SERVER });
    else expect(testServerExecutable(env)).toEqual({ type: 'cached-download' });
  });

  it('finds only executables on PATH', () => {
    expect(findOnPath('temporal', { PATH: `/nonexistent${path.delimiter}${dir}` })).toBe(fakeCli);
    expect(findOnPath('not-executable', { PATH: dir })).toBeUndefined();
    expect(findOnPath('temporal', { PATH: '' })).toBeUndefined();
  });

  it('setup installs nothing, and with --quiet says nothing, when the binaries are given', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(setupTemporalBinaries({ quiet: true, env: { TEMPORAL_CLI_PATH: fakeCli, TEMPORAL_TEST_SERVER_PATH: fakeCli } })).toEqual([]);
      expect(log).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
  });
});
