import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { IMPLEMENTED_SERVICES, SERVICES, SIMULATORS } from '../../platform/services';
import { LOCAL_API_KEY } from '../../simulators/payment-provider/client';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from '../../temporal.config';
import { WORKER_STOP_GRACE_MS } from '../../worker/config';

// docker-compose.yml is not run on CI (no Docker engine): these checks keep it in step with the code.
const root = path.resolve(__dirname, '../..');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };

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
});
