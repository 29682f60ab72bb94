/**
 * The services' HTTP client (platform/http-client.ts): openapi-fetch over undici's
 * `request`. What a caller reads must be what the server sent (status, JSON,
 * problem bodies, headers, empty answers), and a server that never answers
 * must end the call with an error instead of hanging it.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createServiceClient, requestAsFetch } from '../../platform/http-client';

interface Paths {
  '/things/{id}': {
    post: {
      parameters: { path: { id: string }; header?: { 'x-echo'?: string } };
      requestBody: { content: { 'application/json': { quantity: number } } };
      responses: {
        201: { content: { 'application/json': { id: string; quantity: number; authorization: string | null } } };
        409: { content: { 'application/problem+json': { type: string; status: number } } };
      };
    };
    delete: { parameters: { path: { id: string } }; responses: { 204: { content?: never } } };
  };
}

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.post('/things/:id', (req, res) => {
    if (req.params.id === 'taken') {
      res.status(409).type('application/problem+json').send(JSON.stringify({ type: 'thing-taken', status: 409 }));
      return;
    }
    res.append('set-cookie', ['a=1', 'b=2']);
    res.status(201).json({ id: req.params.id, quantity: req.body.quantity, authorization: req.headers.authorization ?? null });
  });
  app.delete('/things/:id', (_req, res) => {
    res.status(204).end();
  });
  // Takes the request and never answers.
  app.get('/hang', () => undefined);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createServiceClient', () => {
  it('sends the JSON body and the bearer token, and reads the JSON answer with its status and headers', async () => {
    const client = createServiceClient<Paths>(baseUrl, { accessToken: async () => 'token-1' });
    const result = await client.POST('/things/{id}', { params: { path: { id: 'x1' } }, body: { quantity: 3 } });
    expect(result.response.status).toBe(201);
    expect(result.data).toEqual({ id: 'x1', quantity: 3, authorization: 'Bearer token-1' });
    expect(result.response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(result.response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('reads a problem answer as the error', async () => {
    const client = createServiceClient<Paths>(baseUrl);
    const result = await client.POST('/things/{id}', { params: { path: { id: 'taken' } }, body: { quantity: 1 } });
    expect(result.response.status).toBe(409);
    expect(result.response.ok).toBe(false);
    expect(result.error).toEqual({ type: 'thing-taken', status: 409 });
  });

  it('reads an empty answer', async () => {
    const client = createServiceClient<Paths>(baseUrl);
    const result = await client.DELETE('/things/{id}', { params: { path: { id: 'x1' } } });
    expect(result.response.status).toBe(204);
    expect(result.error).toBeUndefined();
  });
});

describe('requestAsFetch', () => {
  it('fails a call whose answer does not come within the timeout', async () => {
    await expect(requestAsFetch(200)(new Request(`${baseUrl}/hang`))).rejects.toThrow(/timeout/i);
  });

  it('fails a call to a port nobody listens on', async () => {
    const closed = express().listen(0, '127.0.0.1');
    await new Promise((resolve) => closed.once('listening', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(requestAsFetch(5_000)(new Request(`http://127.0.0.1:${port}/things/x`))).rejects.toThrow();
  });
});
