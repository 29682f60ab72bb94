import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { startGateway } from '../../gateway/main';
import { testTokenVerifier } from '../support/auth';

describe('stopping the gateway', () => {
  it('answers /ready with 503 from the moment it starts draining, and the request it is proxying still completes', async () => {
    // The catalog behind the gateway holds GET /products until told to answer.
    let answer: () => void = () => undefined;
    let arrived: () => void = () => undefined;
    const productsArrived = new Promise<void>((resolve) => (arrived = resolve));
    const catalog = http.createServer((req, res) => {
      if (req.url?.startsWith('/products')) {
        answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [], next: null }));
        arrived();
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => catalog.listen(0, '127.0.0.1', resolve));
    const catalogUrl = `http://127.0.0.1:${(catalog.address() as AddressInfo).port}`;
    const gateway = await startGateway(
      // A long drain: the test ends it itself with a second stop().
      { GATEWAY_PORT: '0', CATALOG_URL: catalogUrl, SHUTDOWN_DRAIN_MS: '600000' },
      { auth: testTokenVerifier, ownRoutes: Router() },
    );
    try {
      expect((await fetch(`${gateway.url}/ready`)).status).toBe(200);
      const inFlight = fetch(`${gateway.url}/products`);
      await productsArrived;

      const stopped = gateway.stop();
      const ready = await fetch(`${gateway.url}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ type: 'draining', status: 503 });
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);

      answer();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ items: [], next: null });

      await gateway.stop();
      await stopped;
      await expect(fetch(`${gateway.url}/health`)).rejects.toThrow();
    } finally {
      await gateway.stop();
      await new Promise<void>((resolve) => catalog.close(() => resolve()));
    }
  });
});
