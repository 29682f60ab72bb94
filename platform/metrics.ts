/**
 * Prometheus metrics (prom-client): the one registry of the process, served
 * at GET /metrics by every part of the shop (docs/runbook.md#metrics lists
 * the series).
 *   - the process: CPU, memory, event loop lag, GC (prom-client's defaults);
 *   - HTTP: every request's duration by service, method, route and status
 *     (its _count is the request rate; status 5xx the errors). The route is
 *     the express route pattern (`/orders/:orderId`), never the URL: ids and
 *     query values would make a series per customer;
 *   - the database pool of each service (used, free, pending);
 *   - gauges read when Prometheus scrapes (gaugesReadAtScrape): backlogs and
 *     failures that live in a database or in Temporal, and so are right
 *     whichever instance is asked and however often instances restart.
 * The checkout's own metrics (started, completed, failed by reason, time per
 * step) come from the workflow, through the worker's SDK metrics (workflows/metrics.ts).
 */
import { createServer, type Server } from 'node:http';
import type express from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRICS_PATH = '/metrics';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** A request no route took (a 404, a static file, the docs): one label for all, so odd URLs make no series. */
export const UNMATCHED_ROUTE = '<unmatched>';
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const requestDuration = new Histogram({
  name: 'http_server_request_duration_seconds',
  help: 'HTTP requests served, by service, method, route pattern and status: _count is the request rate, status="5.." the errors',
  labelNames: ['service', 'method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

function routePattern(path: unknown): string | undefined {
  if (typeof path === 'string') return path;
  if (Array.isArray(path)) return path.map(String).join('|');
  return undefined;
}

/**
 * Times every request, labelled with the route that took it. Express sets
 * `req.route` when a route matches, while `req.baseUrl` is that router's mount
 * path: both are read at that moment (a router gives its mount path back when
 * the request leaves it, e.g. for the error handler).
 */
export function httpMetrics(service: string): express.RequestHandler {
  return (req, res, next) => {
    if (req.path === METRICS_PATH) return next();
    const started = process.hrtime.bigint();
    let route: string | undefined;
    let matched: unknown;
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => matched,
      set(value: { path?: unknown } | undefined) {
        matched = value;
        const pattern = routePattern(value?.path);
        if (pattern !== undefined) route = `${req.baseUrl}${pattern}`;
      },
    });
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished || res.headersSent ? String(res.statusCode) : 'aborted';
      requestDuration.observe({ service, method: KNOWN_METHODS.has(req.method) ? req.method : 'OTHER', route: route ?? UNMATCHED_ROUTE, status }, seconds);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}

/** Writes the registry's metrics as the answer; for a server that is not express (the worker's health server). */
export async function sendMetrics(res: { setHeader(name: string, value: string): unknown; end(body: string): unknown }): Promise<void> {
  const body = await metricsRegistry.metrics();
  res.setHeader('Content-Type', metricsRegistry.contentType);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

/** GET /metrics on an express app (services, the codec server). */
export const metricsEndpoint: express.RequestHandler = (_req, res, next) => {
  sendMetrics(res).catch(next);
};

/**
 * /metrics on a port of its own, for a process whose main port faces the
 * public (the gateway): scrapers reach it on the internal network, shoppers never.
 */
export function serveMetrics(port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === METRICS_PATH) {
      sendMetrics(res).catch(() => {
        res.statusCode = 500;
        res.end('metrics could not be collected\n');
      });
      return;
    }
    res.statusCode = 404;
    res.end('only GET /metrics here\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

interface KnexPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  max: number;
}

const pools = new Map<string, () => KnexPool | undefined>();

new Gauge({
  name: 'db_pool_connections',
  help: "Connections of a service's database pool: used (lent to a query or transaction), free (idle), pending (requests waiting for one)",
  labelNames: ['service', 'state'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [service, poolOf] of pools) {
      const pool = poolOf();
      if (!pool) continue;
      this.set({ service, state: 'used' }, pool.numUsed());
      this.set({ service, state: 'free' }, pool.numFree());
      this.set({ service, state: 'pending' }, pool.numPendingAcquires() + pool.numPendingCreates());
    }
  },
});

new Gauge({
  name: 'db_pool_max_connections',
  help: "The most connections a service's database pool opens (DATABASE_POOL_MAX)",
  labelNames: ['service'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [service, poolOf] of pools) {
      const pool = poolOf();
      if (pool) this.set({ service }, pool.max);
    }
  },
});

/** Reports a service's MikroORM pool (knex's tarn pool) until the returned function is called. */
export function trackDatabasePool(service: string, orm: MikroORM): () => void {
  const poolOf = () => (orm.em.getConnection().getKnex().client as { pool?: KnexPool }).pool;
  pools.set(service, poolOf);
  return () => {
    if (pools.get(service) === poolOf) pools.delete(service);
  };
}

const collectionErrors = new Counter({
  name: 'metrics_collection_errors_total',
  help: 'Scrapes whose reading of a gauge failed (the database or Temporal did not answer); those gauges had no value then',
  labelNames: ['metric'] as const,
  registers: [metricsRegistry],
});

export interface GaugeSpec {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

/** Values by gauge name; a gauge without labels has one sample with no labels. */
export type GaugeSamples = Record<string, { labels?: Record<string, string>; value: number }[]>;

/** Everything read for one scrape, shared by the gauges it feeds. */
class ScrapeReader {
  private reading?: Promise<GaugeSamples>;
  constructor(readonly read: () => Promise<GaugeSamples>) {}
  samples(): Promise<GaugeSamples> {
    // The registry collects every gauge at once: one read serves them all, the next scrape reads again.
    this.reading ??= this.read().finally(() => setImmediate(() => (this.reading = undefined)));
    return this.reading;
  }
}

const readersByGauge = new Map<string, Set<ScrapeReader>>();

/**
 * Gauges whose values are read when Prometheus scrapes, all from one `read`
 * (e.g. one SQL statement). A failed read leaves them without a value for that
 * scrape (absent, or NaN without labels: unknown rather than stale or a false 0)
 * and counts in metrics_collection_errors_total.
 * Answers a function that stops reporting them (when the service stops).
 */
export function gaugesReadAtScrape(specs: GaugeSpec[], read: () => Promise<GaugeSamples>): () => void {
  const reader = new ScrapeReader(read);
  for (const spec of specs) {
    let readers = readersByGauge.get(spec.name);
    if (!readers) {
      const own = new Set<ScrapeReader>();
      readers = own;
      readersByGauge.set(spec.name, own);
      new Gauge({
        name: spec.name,
        help: spec.help,
        labelNames: spec.labelNames ?? [],
        registers: [metricsRegistry],
        async collect() {
          this.reset();
          for (const source of own) {
            try {
              for (const sample of (await source.samples())[spec.name] ?? []) this.set(sample.labels ?? {}, sample.value);
            } catch {
              collectionErrors.inc({ metric: spec.name });
              // prom-client answers 0 for a gauge without labels and no value: NaN says "unknown" instead.
              if (!spec.labelNames?.length) this.set(Number.NaN);
            }
          }
        },
      });
    }
    readers.add(reader);
  }
  return () => {
    for (const spec of specs) readersByGauge.get(spec.name)?.delete(reader);
  };
}
