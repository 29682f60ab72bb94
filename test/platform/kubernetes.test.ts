/**
 * deploy/kubernetes/, rendered by the real kustomize (npm run setup builds it into
 * .tools/bin) for each overlay, and held against the code: each part's port and
 * entry point, the probes' paths, resources, autoscaling, the environment
 * variables the code reads, the Secrets, and the simulator in the dev overlay only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KUSTOMIZE } from '../../dev/setup-tools';
import { IMPLEMENTED_SERVICES, isSimulatorName, MAIL_SERVER_SMTP_PORT, SERVICES, SIMULATORS } from '../../platform/services';
import { builtPath, codeSources, shopEntryPoints } from '../../scripts/build';
import { DEFAULT_WORKER_SDK_METRICS_PORT, WORKER_STOP_GRACE_MS } from '../../worker/config';

/** gateway/main.ts's, not imported: that would load the whole gateway into this test. */
const DEFAULT_GATEWAY_METRICS_PORT = 8081;
import { dockerStages, isShipped, root, shippedFromDist } from '../support/build';

const KUBERNETES = path.join(root, 'deploy', 'kubernetes');
const OVERLAYS = ['production', 'temporal-cloud', 'dev'] as const;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: {
    template?: { spec: PodSpec };
    ports?: { port: number; targetPort: string | number }[];
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas?: number;
  };
}

function render(overlay: string): Manifest[] {
  if (!existsSync(KUSTOMIZE.path)) throw new Error(`no kustomize at ${KUSTOMIZE.path}: run \`npm run setup\``);
  const result = spawnSync(KUSTOMIZE.path, ['build', path.join(KUBERNETES, 'overlays', overlay)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`kustomize build ${overlay} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((document) => document.toJSON() as Manifest);
}

const rendered = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, render(overlay)])) as Record<(typeof OVERLAYS)[number], Manifest[]>;

function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

function container(manifests: Manifest[], deployment: string): Container {
  return find(manifests, 'Deployment', deployment).spec!.template!.spec.containers[0]!;
}

/**
 * Every environment variable the shop's code reads: `env.NAME`, `env['NAME']` in the production
 * modules, and the families built from names (each service's and simulator's _URL, _PORT,
 * _DATABASE_URL; the gateway's GATEWAY_<LIMIT>_PER_MINUTE).
 */
function variablesTheCodeReads(): Set<string> {
  const names = new Set<string>();
  const production = codeSources().filter((file) => !/\/(dev|bench|test)\//.test(file) && !/\/scripts\/(?!seed|accounts|demo-data)/.test(file));
  for (const file of production) {
    const source = readFileSync(file, 'utf8');
    for (const [, name] of source.matchAll(/\benv(?:\.|\[['"`])([A-Z][A-Z0-9_]+)/g)) names.add(name!);
    for (const [, name] of source.matchAll(/perMinute\('([A-Z_]+)'/g)) names.add(`GATEWAY_${name}_PER_MINUTE`);
    // A variable named once in a constant (the key lists: CODEC_KEYS_VARIABLE, KEY_ENCRYPTION_KEYS_VARIABLE).
    for (const [, name] of source.matchAll(/_VARIABLE = '([A-Z][A-Z0-9_]+)'/g)) names.add(name!);
  }
  for (const prefix of [...IMPLEMENTED_SERVICES.map((name) => name.toUpperCase()), ...Object.values(SIMULATORS).map((simulator) => simulator.env)]) {
    for (const suffix of ['URL', 'PORT', 'DATABASE_URL']) names.add(`${prefix}_${suffix}`);
  }
  return names;
}

/** A Secret's name without the hash suffix kustomize's secretGenerator adds. */
const secretName = (name: string) => name.replace(/-[a-z0-9]{10}$/, '');

const shipped = (target: string) => shippedFromDist(dockerStages(), target);
/** `dist/services/orders/main.js` for services/orders/main.ts: what the image's command names. */
const distEntry = (source: string) => path.relative(root, builtPath(source, path.join(root, 'dist')));

describe.each(OVERLAYS)('the %s overlay', (overlay) => {
  const manifests = rendered[overlay];
  const deployments = manifests.filter((manifest) => manifest.kind === 'Deployment');

  it.each(IMPLEMENTED_SERVICES)('runs the %s service on its port, with its entry point, probes on /health and /ready', (name) => {
    const port = SERVICES[name].port;
    const main = container(manifests, name);
    expect(main.args).toEqual([distEntry(`services/${name}/main.ts`)]);
    expect(main.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(main.env).toEqual(expect.arrayContaining([{ name: 'PORT', value: String(port) }]));
    expect(main.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(main.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(find(manifests, 'Service', name).spec?.ports).toEqual([expect.objectContaining({ port, targetPort: 'http' })]);
    // Its own database: the variable the service reads first, from a Secret of its own.
    const database = main.env?.find((variable) => variable.name === `${name.toUpperCase()}_DATABASE_URL`)?.valueFrom?.secretKeyRef;
    expect(database && { name: secretName(database.name), key: database.key }).toEqual({ name: `${name}-database`, key: 'url' });
  });

  it('has Prometheus scrape /metrics of every part on a port its container opens (the gateway\'s metrics port, not the shoppers\')', () => {
    expect(deployments.length).toBeGreaterThan(0);
    for (const deployment of deployments) {
      const annotations = (deployment.spec!.template as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations ?? {};
      const name = deployment.metadata.name;
      if (isSimulatorName(name)) continue;
      expect([name, annotations['prometheus.io/scrape'], annotations['prometheus.io/path']]).toEqual([name, 'true', '/metrics']);
      const ports = deployment.spec!.template!.spec.containers.flatMap((each) => each.ports ?? []).map((port) => port.containerPort);
      expect([name, ports]).toEqual([name, expect.arrayContaining([Number(annotations['prometheus.io/port'])])]);
    }
    expect((find(manifests, 'Deployment', 'gateway').spec!.template as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations?.['prometheus.io/port']).toBe(String(DEFAULT_GATEWAY_METRICS_PORT));
  });

  it('wires tracing through the shared config: OTEL_EXPORTER_OTLP_ENDPOINT, empty (off) until set', () => {
    expect(find(manifests, 'ConfigMap', 'shop-config').data).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    for (const deployment of deployments.filter((each) => !isSimulatorName(each.metadata.name))) {
      const sources = deployment.spec!.template!.spec.containers[0]!.envFrom ?? [];
      expect([deployment.metadata.name, sources.some((source) => source.configMapRef?.name === 'shop-config')]).toEqual([deployment.metadata.name, true]);
    }
  });

  it('runs the gateway on 8080 and the worker with its /health, each from its entry point', () => {
    const gateway = container(manifests, 'gateway');
    expect(gateway.args).toEqual([distEntry('gateway/main.ts')]);
    expect(gateway.env).toEqual(expect.arrayContaining([{ name: 'GATEWAY_PORT', value: '8080' }]));
    expect(gateway.ports).toEqual([
      { name: 'http', containerPort: 8080 },
      { name: 'metrics', containerPort: DEFAULT_GATEWAY_METRICS_PORT },
    ]);
    expect(gateway.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(gateway.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    const worker = container(manifests, 'worker');
    expect(worker.args).toEqual([distEntry('worker/main.ts')]);
    expect(worker.env).toEqual(expect.arrayContaining([{ name: 'WORKER_HEALTH_PORT', value: '3099' }]));
    expect(worker.ports).toEqual([
      { name: 'http', containerPort: 3099 },
      { name: 'sdk-metrics', containerPort: DEFAULT_WORKER_SDK_METRICS_PORT },
    ]);
    expect(worker.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    // Kubernetes kills after the grace period: the worker's activities get their time first.
    expect(find(manifests, 'Deployment', 'worker').spec!.template!.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThanOrEqual(WORKER_STOP_GRACE_MS);
  });

  it('runs only entry points the image ships, as the non-root user the image has', () => {
    const workloads = manifests.filter((manifest) => manifest.kind === 'Deployment' || manifest.kind === 'Job');
    const user = Number(/^(\d+)/.exec(dockerStages().flatMap((stage) => stage.instructions).filter((each) => each.keyword === 'USER').at(-1)!.args[0]!)![1]);
    for (const workload of workloads) {
      const spec = workload.spec!.template!.spec;
      expect([workload.metadata.name, spec.securityContext]).toEqual([workload.metadata.name, expect.objectContaining({ runAsNonRoot: true, runAsUser: user })]);
      for (const each of spec.containers) {
        const target = each.image.includes('simulators') ? 'simulators' : 'shop';
        const entry = each.args?.[0] ?? '';
        expect([workload.metadata.name, entry.startsWith('dist/') && isShipped(shipped(target), entry.slice('dist/'.length))]).toEqual([workload.metadata.name, true]);
        expect(each.command).toBeUndefined(); // the image's ENTRYPOINT is node
      }
    }
    const entries = workloads.map((workload) => workload.spec!.template!.spec.containers[0]!.args![0]);
    for (const entry of shopEntryPoints().filter((source) => !source.startsWith('scripts/') || overlay === 'dev')) expect(entries).toContain(distEntry(entry));
  });

  it('gives every container resource requests and limits', () => {
    for (const workload of manifests.filter((manifest) => manifest.kind === 'Deployment' || manifest.kind === 'Job')) {
      for (const each of workload.spec!.template!.spec.containers) {
        expect([workload.metadata.name, Object.keys(each.resources?.requests ?? {}).sort(), Object.keys(each.resources?.limits ?? {}).sort()]).toEqual([
          workload.metadata.name,
          ['cpu', 'memory'],
          ['cpu', 'memory'],
        ]);
      }
    }
  });

  it('scales the worker, the gateway and every service horizontally', () => {
    const autoscaled = manifests.filter((manifest) => manifest.kind === 'HorizontalPodAutoscaler');
    for (const name of [...IMPLEMENTED_SERVICES, 'gateway', 'worker']) {
      const hpa = autoscaled.find((each) => each.spec?.scaleTargetRef?.name === name);
      expect([name, hpa?.spec?.scaleTargetRef?.kind]).toEqual([name, 'Deployment']);
      expect(hpa!.spec!.maxReplicas!).toBeGreaterThan(hpa!.spec!.minReplicas!);
    }
    for (const hpa of autoscaled) expect(deployments.map((deployment) => deployment.metadata.name)).toContain(hpa.spec!.scaleTargetRef!.name);
  });

  it('sets only environment variables the code reads', () => {
    const known = variablesTheCodeReads();
    const configMaps = new Map(manifests.filter((manifest) => manifest.kind === 'ConfigMap').map((manifest) => [manifest.metadata.name, manifest]));
    const used = new Set<string>();
    for (const workload of manifests.filter((manifest) => manifest.kind === 'Deployment' || manifest.kind === 'Job')) {
      for (const each of workload.spec!.template!.spec.containers) {
        for (const variable of each.env ?? []) used.add(variable.name);
        for (const source of each.envFrom ?? []) {
          const configMap = configMaps.get(source.configMapRef?.name ?? '');
          expect([workload.metadata.name, configMap !== undefined]).toEqual([workload.metadata.name, true]);
          for (const name of Object.keys(configMap!.data ?? {})) used.add(name);
        }
      }
    }
    expect([...used].filter((name) => !known.has(name))).toEqual([]);
    // The scan itself finds the variables it should.
    for (const name of ['TEMPORAL_ADDRESS', 'SERVICE_CLIENT_SECRET', 'SHUTDOWN_DRAIN_MS', 'ORDERS_DATABASE_URL', 'GATEWAY_LOGIN_PER_MINUTE']) expect([name, known.has(name)]).toEqual([name, true]);
  });

  it('reads every Secret it needs from one listed in secrets.example.yaml, or (dev) made by the overlay', () => {
    const examples = parseAllDocuments(readFileSync(path.join(KUBERNETES, 'secrets.example.yaml'), 'utf8')).map((document) => document.toJSON() as { metadata: { name: string }; stringData: Record<string, string> });
    const generated = manifests.filter((manifest) => manifest.kind === 'Secret');
    for (const workload of manifests.filter((manifest) => manifest.kind === 'Deployment' || manifest.kind === 'Job')) {
      for (const variable of workload.spec!.template!.spec.containers.flatMap((each) => each.env ?? [])) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) continue;
        if (overlay === 'dev') {
          const secret = generated.find((each) => each.metadata.name === ref.name) as { data?: Record<string, string> } | undefined;
          expect([ref.name, ref.key, secret?.data !== undefined && ref.key in secret.data]).toEqual([ref.name, ref.key, true]);
        } else {
          const example = examples.find((secret) => secret.metadata.name === ref.name);
          expect([ref.name, ref.key, example !== undefined && ref.key in example.stringData]).toEqual([ref.name, ref.key, true]);
        }
      }
    }
  });

  it('connects to an external Temporal: the Helm chart in the cluster, or Temporal Cloud with an API key', () => {
    const config = find(manifests, 'ConfigMap', 'shop-config').data!;
    if (overlay === 'temporal-cloud') {
      expect(config.TEMPORAL_ADDRESS).toMatch(/\.api\.temporal\.io:7233$/);
      expect(config.TEMPORAL_TLS).toBe('true');
      for (const name of ['worker', 'gateway']) {
        expect(container(manifests, name).env).toEqual(expect.arrayContaining([{ name: 'TEMPORAL_API_KEY', valueFrom: { secretKeyRef: { name: 'temporal', key: 'api-key' } } }]));
      }
    } else {
      expect(config.TEMPORAL_ADDRESS).toBe('temporal-frontend.temporal.svc.cluster.local:7233');
    }
    for (const name of IMPLEMENTED_SERVICES) expect(config[`${name.toUpperCase()}_URL`]).toBe(`http://${name}:${SERVICES[name].port}`);
  });

  it('runs the payment provider simulator in the dev overlay only', () => {
    const simulator = deployments.find((deployment) => deployment.metadata.name === 'payment-provider');
    if (overlay !== 'dev') {
      expect(simulator).toBeUndefined();
      return;
    }
    const main = container(manifests, 'payment-provider');
    expect(main.args).toEqual([distEntry('simulators/payment-provider/main.ts')]);
    expect(main.ports).toEqual([{ name: 'http', containerPort: SIMULATORS['payment-provider'].port }]);
    expect(main.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
  });

  it('runs the mail server simulator in the dev overlay only, and sends the dev shop\'s mail there', () => {
    const simulator = deployments.find((deployment) => deployment.metadata.name === 'mail-server');
    if (overlay !== 'dev') {
      expect(simulator).toBeUndefined();
      return;
    }
    const main = container(manifests, 'mail-server');
    expect(main.args).toEqual([distEntry('simulators/mail-server/main.ts')]);
    expect(main.ports).toEqual([
      { name: 'http', containerPort: SIMULATORS['mail-server'].port },
      { name: 'smtp', containerPort: MAIL_SERVER_SMTP_PORT },
    ]);
    expect(main.env).toEqual(expect.arrayContaining([{ name: 'MAIL_SERVER_SMTP_PORT', value: String(MAIL_SERVER_SMTP_PORT) }]));
    expect(main.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(find(manifests, 'Service', 'mail-server').spec?.ports).toEqual(expect.arrayContaining([expect.objectContaining({ port: MAIL_SERVER_SMTP_PORT, targetPort: 'smtp' })]));
    const smtp = manifests.find((manifest) => manifest.kind === 'Secret' && secretName(manifest.metadata.name) === 'smtp') as { data?: Record<string, string> } | undefined;
    expect(Buffer.from(smtp?.data?.url ?? '', 'base64').toString()).toBe(`smtp://mail-server:${MAIL_SERVER_SMTP_PORT}`);
  });
});

it('keeps every manifest in a kustomization (no file left out)', () => {
  const base = parseAllDocuments(readFileSync(path.join(KUBERNETES, 'base', 'kustomization.yaml'), 'utf8'))[0]!.toJSON() as { resources: string[] };
  const files = readdirSync(path.join(KUBERNETES, 'base')).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
  expect([...base.resources].sort()).toEqual(files.sort());
});
