/**
 * Connections to Temporal for the worker (NativeConnection) and for clients
 * (scripts, the orders/checkout API), both configured from temporal.config.ts.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalConnectionConfig, type TemporalConnectionConfig } from '../temporal.config';

function tlsOptions(config: TemporalConnectionConfig) {
  if (!config.tls) return undefined;
  const { clientCertPath, clientKeyPath, serverNameOverride } = config.tls;
  return {
    serverNameOverride,
    clientCertPair: clientCertPath && clientKeyPath ? { crt: readFileSync(clientCertPath), key: readFileSync(clientKeyPath) } : undefined,
  };
}

export async function connectWorkerConnection(config = temporalConnectionConfig()): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.address, tls: tlsOptions(config), apiKey: config.apiKey });
}

export async function connectClient(config = temporalConnectionConfig()): Promise<Client> {
  const connection = await Connection.connect({ address: config.address, tls: tlsOptions(config), apiKey: config.apiKey });
  return new Client({ connection, namespace: config.namespace });
}
