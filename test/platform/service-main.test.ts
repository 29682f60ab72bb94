import { readServiceConfig, startService } from '../../platform/service-main';
import { inventoryService } from '../../services/inventory/main';
import { getFreePort } from '../support/ports';
import http from 'node:http';
import { asAdmin, testTokenVerifier } from '../support/auth';
import { createTestDatabase } from '../support/database';

describe('starting a service', () => {
  it('stops at once, naming the variables, when no database is configured', () => {
    expect(() => readServiceConfig('inventory', {})).toThrow(/inventory: invalid configuration[\s\S]*DATABASE_URL[\s\S]*INVENTORY_DATABASE_URL/);
  });

  it('says which database it could not open, without its password', async () => {
    const port = await getFreePort();
    const failure = startService(inventoryService, { DATABASE_URL: `postgres://shop:s3cret@127.0.0.1:${port}/postgres`, PORT: '0' });
    await expect(failure).rejects.toThrow(new RegExp(`inventory: cannot open its database at postgres://shop:\\*\\*\\*@127.0.0.1:${port}/shop_inventory`));
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('finishes a request in flight before it stops', async () => {
    const running = await startService(inventoryService, { INVENTORY_DATABASE_URL: await createTestDatabase('graceful'), PORT: '0' }, { auth: testTokenVerifier });
    const admin = await asAdmin();
    // The request's body arrives in two parts, and the stop begins in between.
    const { port } = new URL(running.url);
    const body = JSON.stringify({ onHand: 7 });
    const request = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/stock/GRACEFUL-1', headers: { authorization: admin, 'content-type': 'application/json', 'content-length': body.length } });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on('error', reject);
    });
    request.write(body.slice(0, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = running.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    request.end(body.slice(5));
    const response = await answered;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ sku: 'GRACEFUL-1', onHand: 7 });
    await stopped;
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
  });
});
