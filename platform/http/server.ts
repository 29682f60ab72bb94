import type { Server } from 'node:http';

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
