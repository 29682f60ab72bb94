/** The storefront's API types are those of the specs the gateway serves now. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');

it('web/src/api/*.gen.ts are current (run `npm run gen:web` when this fails)', async () => {
  // A child process, as for the services' types: openapi-typescript's dependencies are ES modules jest cannot load.
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/generate-web-types.ts', '--check'], { cwd: root });
  await expect(run).resolves.toBeDefined();
}, 60_000);
