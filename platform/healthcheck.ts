/**
 * The image's HEALTHCHECK (it has no curl): asks the process running in the
 * container for /health (or the path given) on its own port, and exits 0 on a
 * 200. Which port is the process's follows from its entry point, found in the
 * container's first process's command line, and the same variables the
 * process reads: a service's <NAME>_PORT or PORT (else its default), the
 * gateway's GATEWAY_PORT, the worker's WORKER_HEALTH_PORT, the codec server's
 * CODEC_SERVER_PORT.
 *   node dist/platform/healthcheck.js          GET /health
 *   node dist/platform/healthcheck.js /ready   GET /ready (compose's readiness)
 */
import { readFileSync } from 'node:fs';
import { isServiceName, isSimulatorName, servicePort, simulatorPort } from './services';

const DEFAULT_GATEWAY_PORT = 8080; // gateway/main.ts's; not imported, so the check loads nothing of the gateway
const DEFAULT_WORKER_HEALTH_PORT = 3099; // worker/config.ts's, likewise
const DEFAULT_CODEC_SERVER_PORT = 8234; // codec-server/config.ts's, likewise

/** The port of the process whose command line is `argv` (`node dist/services/orders/main.js`, maybe behind an init). */
export function healthPort(argv: string[], env: Record<string, string | undefined> = process.env): number {
  const entry = argv.map((arg) => /(?:^|\/)dist\/(.+)\/main\.js$/.exec(arg)?.[1]).find(Boolean);
  if (!entry) throw new Error(`no dist/<part>/main.js in the command line "${argv.join(' ')}"`);
  const [folder, name = ''] = entry.split('/');
  if (folder === 'services' && isServiceName(name)) return servicePort(name, env);
  if (folder === 'simulators' && isSimulatorName(name)) return simulatorPort(name, env);
  if (entry === 'gateway') return Number(env.GATEWAY_PORT || DEFAULT_GATEWAY_PORT);
  if (entry === 'worker') return Number(env.WORKER_HEALTH_PORT || DEFAULT_WORKER_HEALTH_PORT);
  if (entry === 'codec-server') return Number(env.CODEC_SERVER_PORT || DEFAULT_CODEC_SERVER_PORT);
  throw new Error(`dist/${entry}/main.js serves no health endpoint`);
}

async function main(): Promise<void> {
  const argv = readFileSync('/proc/1/cmdline', 'utf8').split('\0').filter(Boolean);
  const url = `http://127.0.0.1:${healthPort(argv)}${process.argv[2] ?? '/health'}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(2500) });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`unhealthy: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
