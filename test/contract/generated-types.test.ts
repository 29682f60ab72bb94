/** The committed api.gen.ts files must be what openapi-typescript makes of the specs today. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');

it('every spec has current generated types (run `npm run gen` when this fails)', async () => {
  // A child process: openapi-typescript's dependencies are ES modules, which jest's CommonJS runtime cannot load.
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/generate-api-types.ts', '--check'], { cwd: root });
  await expect(run).resolves.toBeDefined();
}, 60_000);
