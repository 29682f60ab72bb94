import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { IMPLEMENTED_SERVICES, MAIL_SERVER_SMTP_PORT, SERVICES, SIMULATORS } from '../../platform/services';
import { LOCAL_API_KEY } from '../../simulators/payment-provider/client';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from '../../temporal.config';
import { WORKER_STOP_GRACE_MS } from '../../worker/config';
import { COMPOSE_SECRETS, withSecrets } from '../../scripts/compose-secrets';
import { DEFAULT_CODEC_SERVER_PORT } from '../../codec-server/config';
import { CHECKOUT_METRICS } from '../../workflows/metrics';
import { OUTBOX_METRICS } from '../../services/orders/metrics';
import { DELIVERY_METRICS } from '../../services/notifications/metrics';

// docker-compose.yml is not run on CI (no Docker engine): these checks keep it in step with the code.
const root = path.resolve(__dirname, '../..');

interface ComposeService {
  image?: string;
  ports?: string[];
  profiles?: string[];
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
}

const composeText = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, ComposeService> };

/**
 * Compose's variable interpolation, as `docker compose up` applies it before
 * starting anything: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}` and `${VAR?message}` (the last two stop compose with the
 * message when VAR is unset, or also when empty with the colon).
 */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (_match, name: string, colon: string, kind: string | undefined, operand: string) => {
    const value = env[name];
    const missing = value === undefined || (colon === ':' && value === '');
    if (!kind) return value ?? '';
    if (kind === '-') return missing ? operand : value!;
    if (missing) throw new Error(`required variable ${name} is missing a value: ${operand}`);
    return value!;
  });
}

const interpolated = (env: Record<string, string>) => parse(interpolate(composeText, env), { merge: true }) as { services: Record<string, ComposeService> };
const SECRETS = Object.keys(COMPOSE_SECRETS);
const dependency = (service: ComposeService | undefined, name: string) => (service?.depends_on as Record<string, { condition: string }> | undefined)?.[name];
const allSecrets = () => Object.fromEntries(SECRETS.map((name) => [name, COMPOSE_SECRETS[name]!()]));

describe('docker-compose.yml', () => {
  it.each(IMPLEMENTED_SERVICES)('runs the %s service on its port, with a readiness healthcheck', (name) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    expect(service!.command).toEqual([`dist/services/${name}/main.js`]);
    expect(Number(service!.environment?.PORT)).toBe(SERVICES[name].port);
    expect(service!.environment?.DATABASE_URL).toMatch(/^postgres:\/\//);
    // Reachable from the other containers, not only from inside its own.
    expect(service!.environment?.HOST).toBe('0.0.0.0');
    expect(service!.healthcheck?.test.join(' ')).toContain('/ready');
    expect(dependency(service, 'postgres')?.condition).toBe('service_healthy');
  });

  it('runs the payment provider simulator on its port, and tells payments and the worker where it is, with its key', () => {
    const simulator = compose.services['payment-provider'];
    expect(simulator?.command).toEqual(['dist/simulators/payment-provider/main.js']);
    expect(Number(simulator?.environment?.PORT)).toBe(SIMULATORS['payment-provider'].port);
    expect(simulator?.healthcheck?.test.join(' ')).toContain('/ready');
    // The image runs with NODE_ENV=production, where payments has no default for either.
    for (const name of ['payments', 'payment-provider']) {
      const env = compose.services[name]?.environment ?? {};
      expect(env.PAYMENT_PROVIDER_URL).toBe(`http://payment-provider:${SIMULATORS['payment-provider'].port}`);
      expect(String(env.PAYMENT_PROVIDER_API_KEY)).toContain(LOCAL_API_KEY);
    }
    expect(dependency(compose.services.worker, 'payment-provider')?.condition).toBe('service_healthy');
  });

  it('runs the mail server simulator, and sends the shop\'s mail there unless SMTP_URL names another server', () => {
    const simulator = compose.services['mail-server'];
    expect(simulator?.command).toEqual(['dist/simulators/mail-server/main.js']);
    expect(Number(simulator?.environment?.PORT)).toBe(SIMULATORS['mail-server'].port);
    expect(Number(simulator?.environment?.MAIL_SERVER_SMTP_PORT)).toBe(MAIL_SERVER_SMTP_PORT);
    expect(simulator?.healthcheck?.test.join(' ')).toContain('/ready');
    expect(compose.services.notifications?.environment?.SMTP_URL).toBe(`\${SMTP_URL:-smtp://mail-server:${MAIL_SERVER_SMTP_PORT}}`);
  });

  it('tells every app container where each service is', () => {
    for (const name of [...IMPLEMENTED_SERVICES, 'worker']) {
      const env = compose.services[name]?.environment ?? {};
      for (const target of IMPLEMENTED_SERVICES) expect(env[`${target.toUpperCase()}_URL`]).toBe(`http://${target}:${SERVICES[target].port}`);
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
  });

  it('starts the worker after the services and the search attributes', () => {
    const worker = compose.services.worker!;
    expect(worker.command).toEqual(['dist/worker/main.js']);
    expect(worker.healthcheck?.test.join(' ')).toContain('/health');
    for (const name of IMPLEMENTED_SERVICES) expect(dependency(worker, name)?.condition).toBe('service_healthy');
    // Compose kills after 10 s unless told otherwise; the worker's activities get longer to finish.
    expect(Number(/^(\d+)s$/.exec(worker.stop_grace_period ?? '')?.[1]) * 1000).toBeGreaterThanOrEqual(WORKER_STOP_GRACE_MS);
    expect(Object.values(worker.depends_on ?? {}).some((dependency) => dependency.condition === 'service_completed_successfully')).toBe(true);
  });

  it('runs the gateway on 8080 once users (its token keys) is up', () => {
    const gateway = compose.services.gateway!;
    expect(gateway.command).toEqual(['dist/gateway/main.js']);
    expect(Number(gateway.environment?.GATEWAY_PORT)).toBe(8080);
    expect(gateway.environment?.HOST).toBe('0.0.0.0');
    expect(dependency(gateway, 'users')?.condition).toBe('service_healthy');
  });

  it('registers exactly the search attributes temporal.config.ts defines', () => {
    const text = JSON.stringify(compose) + readFileSync(path.join(root, 'deploy/temporal/create-namespace.sh'), 'utf8');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_REGISTRATIONS)) {
      expect(text).toContain(name);
      expect(type).toBe('Keyword'); // the compose step registers every attribute as Keyword
    }
  });

  describe('secrets', () => {
    it('refuses to start without each secret, saying how to set it', () => {
      for (const name of SECRETS) {
        const env = allSecrets();
        delete env[name];
        expect(() => interpolated(env)).toThrow(new RegExp(`required variable ${name} is missing a value: set ${name}.*npm run compose:secrets`));
        expect(() => interpolated({ ...env, [name]: '' })).toThrow(new RegExp(`required variable ${name}`));
      }
    });

    it('has no default for any secret anywhere in the file', () => {
      const uses = [...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}/g)].map(([, name, rest]) => ({ name: name!, rest: rest! }));
      const secretUses = uses.filter(({ name }) => /PASSWORD|SECRET|_KEYS?$/.test(name) && name !== 'PAYMENT_PROVIDER_API_KEY');
      expect(new Set(secretUses.map(({ name }) => name))).toEqual(new Set(SECRETS));
      for (const { name, rest } of secretUses) expect([name, rest.startsWith(':?')]).toEqual([name, true]);
      // And no literal one: the old defaults are gone.
      expect(composeText).not.toMatch(/POSTGRES_PASSWORD: shop|POSTGRES_PWD: shop|shop:shop@|compose-local-service-secret|admin-password-change-me/);
    });

    it('starts once npm run compose:secrets wrote them, and hands each only to the containers that need it', () => {
      const env = Object.fromEntries(
        withSecrets('')
          .text.trim()
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(Object.keys(env).sort()).toEqual([...SECRETS].sort());
      const services = interpolated(env).services;
      expect(services.users?.environment?.USERS_KEY_ENCRYPTION_KEYS).toBe(env.USERS_KEY_ENCRYPTION_KEYS);
      expect(String(services.users?.environment?.DATABASE_URL)).toBe(`postgres://shop:${env.POSTGRES_PASSWORD}@postgres:5432/postgres`);
      expect(services.postgres?.environment?.POSTGRES_PASSWORD).toBe(env.POSTGRES_PASSWORD);
      const withCodecKeys = Object.entries(services).filter(([, service]) => service.environment?.TEMPORAL_CODEC_KEYS !== undefined).map(([name]) => name);
      expect(withCodecKeys.sort()).toEqual(['codec-server', 'gateway', 'worker']);
      for (const [, service] of Object.entries(services)) {
        if (service.environment?.TEMPORAL_CODEC_KEYS !== undefined) expect(service.environment.TEMPORAL_CODEC_KEYS).toBe(env.TEMPORAL_CODEC_KEYS);
      }
      const withKeyEncryption = Object.entries(services).filter(([, service]) => service.environment?.USERS_KEY_ENCRYPTION_KEYS !== undefined).map(([name]) => name);
      expect(withKeyEncryption).toEqual(['users']);
    });

    it('keeps what .env already holds when compose:secrets runs again', () => {
      const first = withSecrets('# mine\nPOSTGRES_PASSWORD=kept\n');
      expect(first.added).not.toContain('POSTGRES_PASSWORD');
      expect(first.text).toContain('POSTGRES_PASSWORD=kept');
      expect(withSecrets(first.text)).toEqual({ text: first.text, added: [] });
    });

    it('loads the demo accounts, whose passwords are published, only with --profile demo', () => {
      expect(compose.services.seed?.profiles).toEqual(['demo']);
    });
  });

  describe('what the host can reach', () => {
    it('publishes only the gateway, and for staff on loopback only, the Temporal UI and the codec server', () => {
      const published = Object.entries(compose.services)
        .filter(([, service]) => service.ports?.length)
        .map(([name, service]) => [name, service.ports] as const);
      expect(Object.fromEntries(published)).toEqual({
        gateway: ['8080:8080'],
        'temporal-ui': ['127.0.0.1:8233:8080'],
        'codec-server': [`127.0.0.1:${DEFAULT_CODEC_SERVER_PORT}:${DEFAULT_CODEC_SERVER_PORT}`],
        // --profile observability only.
        prometheus: ['127.0.0.1:9090:9090'],
        grafana: ['127.0.0.1:3000:3000'],
        jaeger: ['127.0.0.1:16686:16686'],
      });
    });

    it('points the UI at the codec server, which answers the UI alone, and sends the sign-in cookie', () => {
      const ui = compose.services['temporal-ui']!.environment!;
      const codec = compose.services['codec-server']!;
      expect(codec.command).toEqual(['dist/codec-server/main.js']);
      expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`${codec.environment?.CODEC_SERVER_PUBLIC_URL}/codec`);
      expect(ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
      expect(codec.environment?.CODEC_SERVER_UI_ORIGINS).toBe('http://127.0.0.1:8233');
      expect(Number(codec.environment?.CODEC_SERVER_PORT)).toBe(DEFAULT_CODEC_SERVER_PORT);
      expect(codec.environment?.HOST).toBe('0.0.0.0');
      expect(dependency(codec, 'users')?.condition).toBe('service_healthy');
    });
  });

  describe('observability (--profile observability)', () => {
    const observability = ['prometheus', 'grafana', 'jaeger'];
    const appContainers = () => Object.entries(compose.services).filter(([, service]) => service.command?.[0]?.startsWith('dist/'));

    it('runs Prometheus, Grafana and Jaeger only with the profile, from files that exist', () => {
      for (const name of observability) expect([name, compose.services[name]?.profiles]).toEqual([name, ['observability']]);
      for (const name of observability) {
        for (const volume of compose.services[name]!.volumes ?? []) {
          const source = volume.split(':')[0]!;
          if (source.startsWith('./')) expect([name, source, existsSync(path.join(root, source))]).toEqual([name, source, true]);
        }
      }
    });

    it('traces only when OTEL_EXPORTER_OTLP_ENDPOINT is given, in every app container', () => {
      const secrets = allSecrets();
      for (const [name] of appContainers()) {
        expect([name, interpolated(secrets).services[name]!.environment?.OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([name, '']);
        expect([name, interpolated({ ...secrets, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }).services[name]!.environment?.OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([
          name,
          'http://jaeger:4318',
        ]);
      }
    });

    const prometheus = parse(readFileSync(path.join(root, 'deploy/observability/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((config) => config.targets));

    it("scrapes every part's /metrics on the port the part serves it", () => {
      const env = (name: string) => compose.services[name]!.environment!;
      const expected = [
        ...IMPLEMENTED_SERVICES.map((name) => `${name}:${SERVICES[name].port}`),
        `gateway:${env('gateway').GATEWAY_METRICS_PORT}`,
        `worker:${env('worker').WORKER_HEALTH_PORT}`,
        `worker:${env('worker').WORKER_SDK_METRICS_PORT}`,
        `codec-server:${env('codec-server').CODEC_SERVER_PORT}`,
      ];
      expect(targets.sort()).toEqual(expected.sort());
      // Never the gateway's public port, where /metrics is not served.
      expect(targets).not.toContain(`gateway:${env('gateway').GATEWAY_PORT}`);
      for (const job of prometheus.scrape_configs) expect(job.metrics_path ?? '/metrics').toBe('/metrics');
    });

    const dashboard = JSON.parse(readFileSync(path.join(root, 'deploy/observability/grafana/dashboards/checkout.json'), 'utf8')) as {
      panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
    };
    const datasources = parse(readFileSync(path.join(root, 'deploy/observability/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { uid: string; url: string }[];
    };

    it('provisions the checkout dashboard on the Prometheus data source, with the panels support and ops need', () => {
      expect(datasources.datasources).toEqual([expect.objectContaining({ uid: 'prometheus', url: 'http://prometheus:9090' })]);
      for (const panel of dashboard.panels) expect([panel.title, panel.datasource.uid]).toEqual([panel.title, 'prometheus']);
      const titles = dashboard.panels.map((panel) => panel.title);
      for (const needed of [/checkouts per minute by outcome/i, /p50.*p95/i, /waiting for support/i, /activity failures by step/i, /request errors by service/i]) {
        expect(titles.some((title) => needed.test(title))).toBe(true);
      }
    });

    it('queries only series the shop exports (by the names in the code)', () => {
      const exported = new Set<string>([
        ...Object.values(CHECKOUT_METRICS),
        ...Object.values(OUTBOX_METRICS),
        ...Object.values(DELIVERY_METRICS),
        'checkouts_waiting_for_support',
        'http_server_request_duration_seconds',
        'db_pool_connections',
        // The Temporal SDK's own.
        'temporal_activity_execution_failed',
        // For emptying the cart and the e-mail, which are local activities.
        'temporal_local_activity_execution_failed',
      ]);
      const queried = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => [...target.expr.matchAll(/([a-z_]+)(?=\{|\[)/g)].map((match) => match[1]!)));
      expect(queried.length).toBeGreaterThan(10);
      const unknown = queried.map((name) => name.replace(/_(bucket|count|sum)$/, '')).filter((name) => !exported.has(name));
      expect(unknown).toEqual([]);
    });
  });
});
