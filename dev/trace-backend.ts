/**
 * The trace backend of `npm start -- --traces` (development only): Jaeger v2's
 * all-in-one binary, spans in memory, on loopback. It is built from the Go
 * module proxy into .tools/bin the first time (`npm run setup` does it too):
 * `go install pkg@version` refuses Jaeger (its go.mod has a replace
 * directive), so dev/jaeger/go.mod pins it, and all it needs, as a tool.
 *
 * The Go module carries no Jaeger UI: the built UI is a release asset of
 * jaeger-ui, which no package registry serves. Built this way, Jaeger answers
 * its query API (`/api/traces/...`, the UI's own) on the UI port, but the page
 * there is Jaeger's placeholder, unless JAEGER_UI_ASSETS names a directory
 * holding the UI's built assets (jaeger-ui's `assets.tar.gz`, unpacked).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../platform/project-root';
import { formatLogLine, startProcess, type PortClaim } from './processes';
import type { Part } from './supervisor';

type Env = NodeJS.ProcessEnv;

export const JAEGER = {
  /** The Go module's version; its cmd/jaeger is Jaeger v2. Bumped in dev/jaeger/go.mod (`go get -tool ...@<version>`) and here. */
  version: 'v1.75.0',
  package: 'github.com/jaegertracing/jaeger/cmd/jaeger',
  toolModule: path.join(PROJECT_ROOT, 'dev', 'jaeger'),
  config: path.join(PROJECT_ROOT, 'dev', 'jaeger', 'config.yaml'),
  path: path.join(PROJECT_ROOT, '.tools', 'bin', 'jaeger'),
};

/** Stamped into the binary, so `jaeger version` tells whether the pinned one is installed. */
const VERSION_VARIABLE = 'github.com/jaegertracing/jaeger/internal/version.latestVersion';

export function jaegerInstalled(): boolean {
  if (!existsSync(JAEGER.path)) return false;
  const result = spawnSync(JAEGER.path, ['version'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes(`"gitVersion":"${JAEGER.version}"`);
}

/**
 * Builds the pinned Jaeger into .tools/bin unless it is there; false (having said why) when it cannot.
 * Minutes on two cores the first time (some 300 modules), seconds once Go's caches have them.
 */
export function installJaeger(say: (message: string) => void = (message) => console.log(`setup: ${message}`)): boolean {
  if (jaegerInstalled()) return true;
  const where = path.relative(PROJECT_ROOT, path.dirname(JAEGER.path));
  say(`building Jaeger (${JAEGER.package}@${JAEGER.version}) with go build into ${where} (the first time takes several minutes)`);
  mkdirSync(path.dirname(JAEGER.path), { recursive: true });
  // Built beside its place and moved there whole: an interrupted build never looks installed.
  const building = `${JAEGER.path}.building`;
  const result = spawnSync('go', ['build', '-ldflags', `-s -w -X ${VERSION_VARIABLE}=${JAEGER.version}`, '-o', building, JAEGER.package], {
    cwd: JAEGER.toolModule,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    rmSync(building, { force: true });
    say(`could not build Jaeger (${result.error ? result.error.message : `go build exited with ${result.status}`}; it needs Go 1.24+ and the Go module proxy)`);
    return false;
  }
  renameSync(building, JAEGER.path);
  return true;
}

export interface TraceBackendPlan {
  otlpPort: number;
  uiPort: number;
  healthPort: number;
  /** What every part gets as OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpEndpoint: string;
  uiUrl: string;
  /** JAEGER_UI_ASSETS: the Jaeger UI's built assets, if the developer has them. */
  uiAssets?: string;
}

function port(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 65535) throw new Error(`${name} must be a port number, not "${value}"`);
  return number;
}

/** Jaeger's usual ports, each movable by a variable. */
export function traceBackendPlan(env: Env = process.env): TraceBackendPlan {
  const otlpPort = port(env, 'JAEGER_OTLP_HTTP_PORT', 4318);
  const uiPort = port(env, 'JAEGER_UI_PORT', 16686);
  return {
    otlpPort,
    uiPort,
    healthPort: port(env, 'JAEGER_HEALTH_PORT', 13133),
    otlpEndpoint: `http://127.0.0.1:${otlpPort}`,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    uiAssets: env.JAEGER_UI_ASSETS ? path.resolve(env.JAEGER_UI_ASSETS) : undefined,
  };
}

export function traceBackendClaims(plan: TraceBackendPlan): PortClaim[] {
  return [
    { port: plan.otlpPort, what: "Jaeger's OTLP/HTTP receiver", envVar: 'JAEGER_OTLP_HTTP_PORT' },
    { port: plan.uiPort, what: "Jaeger's UI and query API", envVar: 'JAEGER_UI_PORT' },
    { port: plan.healthPort, what: "Jaeger's health check", envVar: 'JAEGER_HEALTH_PORT' },
  ];
}

/** The variables dev/jaeger/config.yaml reads. */
export function jaegerEnvironment(plan: TraceBackendPlan, env: Env = process.env): Env {
  return {
    ...env,
    JAEGER_OTLP_HTTP_PORT: String(plan.otlpPort),
    JAEGER_UI_PORT: String(plan.uiPort),
    JAEGER_HEALTH_PORT: String(plan.healthPort),
    JAEGER_UI_ASSETS: plan.uiAssets ?? '',
  };
}

/**
 * Jaeger as a supervised part: restarted if it crashes (its spans are in memory, so they go with it),
 * never a reason to stop the shop. Ready once its health check says every component, the OTLP receiver
 * among them, is running.
 */
export function traceBackendPart(plan: TraceBackendPlan, options: { binary?: string; onLine?: (line: string) => void } = {}): Part {
  return {
    name: 'jaeger',
    title: 'Jaeger (the trace backend)',
    kind: 'supervised',
    readyUrl: `http://127.0.0.1:${plan.healthPort}/status`,
    readyTimeoutMs: 60_000,
    stopGraceMs: 5_000,
    start: () =>
      startProcess({
        name: 'jaeger',
        command: options.binary ?? JAEGER.path,
        args: ['--config', JAEGER.config],
        env: jaegerEnvironment(plan),
        cwd: PROJECT_ROOT,
        format: formatLogLine,
        onLine: options.onLine,
      }),
  };
}
