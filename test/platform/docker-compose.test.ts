import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { IMPLEMENTED_SERVICES, SERVICES, SIMULATORS } from '../../platform/services';
import { LOCAL_API_KEY } from '../../simulators/payment-provider/client';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from '../../temporal.config';
import { WORKER_STOP_GRACE_MS } from '../../worker/config';
import { COMPOSE_SECRETS, withSecrets } from '../../scripts/compose-secrets';
import { DEFAULT_CODEC_SERVER_PORT } from '../../codec-server/config';

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
  depends_on?: Record<string, { condition: string }>;
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
    expect(service!.depends_on?.postgres?.condition).toBe('service_healthy');
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
    expect(compose.services.worker?.depends_on?.['payment-provider']?.condition).toBe('service_healthy');
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
    for (const name of IMPLEMENTED_SERVICES) expect(worker.depends_on?.[name]?.condition).toBe('service_healthy');
    // Compose kills after 10 s unless told otherwise; the worker's activities get longer to finish.
    expect(Number(/^(\d+)s$/.exec(worker.stop_grace_period ?? '')?.[1]) * 1000).toBeGreaterThanOrEqual(WORKER_STOP_GRACE_MS);
    expect(Object.values(worker.depends_on ?? {}).some((dependency) => dependency.condition === 'service_completed_successfully')).toBe(true);
  });

  it('runs the gateway on 8080 once users (its token keys) is up', () => {
    const gateway = compose.services.gateway!;
    expect(gateway.command).toEqual(['dist/gateway/main.js']);
    expect(Number(gateway.environment?.GATEWAY_PORT)).toBe(8080);
    expect(gateway.environment?.HOST).toBe('0.0.0.0');
    expect(gateway.depends_on?.users?.condition).toBe('service_healthy');
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
      expect(codec.depends_on?.users?.condition).toBe('service_healthy');
    });
  });
});
