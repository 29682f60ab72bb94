import { createServer, STATUS_CODES, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger';
import { PROBLEM_CONTENT_TYPE, type ProblemBody } from './problem';

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Stops taking connections and resolves once the requests in flight are
 * answered. Keep-alive connections are closed as soon as they go idle, not at
 * their keep-alive timeout; whatever is still open after the grace period is cut.
 */
export function closeGracefully(server: Server, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  return new Promise<void>((resolve) => {
    const reapIdle = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(reapIdle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** SHUTDOWN_DRAIN_MS: how long a stopping process keeps accepting requests while /ready answers 503. */
export function shutdownDrainMs(env: Record<string, string | undefined> = process.env): number {
  const value = env.SHUTDOWN_DRAIN_MS;
  if (value === undefined || value === '') return 0;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`SHUTDOWN_DRAIN_MS must be a whole number of milliseconds, not "${value}"`);
  return ms;
}

export interface DrainingServer {
  server: Server;
  url: string;
  /** True from the moment shutdown begins. */
  readonly draining: boolean;
  /**
   * Shuts down as a load balancer needs it: /ready answers 503 at once while
   * requests are still accepted (and /health stays 200) for `drainMs`, so the
   * balancer takes this instance out before it stops listening; then the
   * listener closes and the requests in flight are answered. Every response
   * from then on closes its connection, so keep-alive clients move elsewhere.
   * Calling it again skips what is left of the drain (a second Ctrl-C).
   */
  shutdown(): Promise<void>;
}

function isReadinessProbe(req: IncomingMessage): boolean {
  return req.url === '/ready' || req.url?.startsWith('/ready?') === true;
}

/** `app` behind an HTTP server that drains on shutdown (see DrainingServer.shutdown). */
export async function listenDraining(options: { app: RequestListener; port: number; host: string; name: string; drainMs: number }): Promise<DrainingServer> {
  let draining = false;
  const handler: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (!draining) return options.app(req, res);
    res.setHeader('connection', 'close');
    if (!isReadinessProbe(req)) return options.app(req, res);
    const problem: ProblemBody = {
      type: 'draining',
      title: 'Shutting down',
      status: 503,
      detail: `${options.name} is shutting down: send requests to another instance`,
      instance: req.url,
    };
    res.writeHead(503, { 'content-type': PROBLEM_CONTENT_TYPE });
    res.end(JSON.stringify(problem));
  };
  const server = createServer(handler);
  answerParserErrorsAsProblems(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://${options.host}:${(server.address() as AddressInfo).port}`;

  let skipDrain: (() => void) | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    if (stopping) {
      skipDrain?.();
      return stopping;
    }
    draining = true;
    stopping = (async () => {
      if (options.drainMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.drainMs);
          skipDrain = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await closeGracefully(server);
    })();
    return stopping;
  };
  return {
    server,
    url,
    get draining() {
      return draining;
    },
    shutdown,
  };
}

/**
 * SIGINT/SIGTERM stop the process gracefully (`stop`), then it exits 0; a
 * second signal cuts the drain short. The processes' own mains use it.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) logger.info(`${signal} again: no more draining`);
      stopping = true;
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'could not stop cleanly');
          process.exit(1);
        },
      );
    });
  }
}

/** What Node refuses before any route sees the request, and as what (Node's own statuses). */
function parserRefusal(code: string | undefined): { status: number; type: string; title: string; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, type: 'request-head-too-large', title: 'The request line and headers are too large', detail: 'They may take at most 16 KB together' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, type: 'request-timeout', title: 'The request took too long to arrive', detail: 'Send it again' };
    default:
      return { status: 400, type: 'malformed-request', title: 'The request is not valid HTTP', detail: code ?? 'unreadable request' };
  }
}

/**
 * Requests Node's HTTP parser refuses (a request line and headers over its 16 KB limit, a
 * malformed request) answered as problem+json like every other refusal, where Node would send
 * an empty body. Every spec lists the 431 (platform/openapi.ts adds it to each operation).
 */
export function answerParserErrorsAsProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, ...problem } = parserRefusal(error.code);
    const body = JSON.stringify({ ...problem, status });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
