import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE } from './problem';

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
