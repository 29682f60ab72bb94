/**
 * Connections to Temporal for the worker (NativeConnection) and for clients
 * (scripts, the gateway's checkout API), both configured from temporal.config.ts.
 * Clients encrypt what they send and decrypt what they read with the shop's
 * codec (platform/temporal-codec.ts) unless told otherwise. While the process
 * traces (platform/telemetry), a client's calls are spans, and the workflows
 * they start, update, signal or query carry the trace along (the worker picks
 * it up: workflows/interceptors.ts).
 */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { temporalConnectionConfig, type TemporalConnectionConfig } from '../temporal.config';
import { temporalDataConverter } from './temporal-codec';
import { activeTracing } from './telemetry';

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

/** `dataConverter`: the codec from the environment (TEMPORAL_CODEC_KEYS, or the local keys) unless given. */
export async function connectClient(config = temporalConnectionConfig(), dataConverter: DataConverter = temporalDataConverter()): Promise<Client> {
  const connection = await Connection.connect({ address: config.address, tls: tlsOptions(config), apiKey: config.apiKey });
  return new Client({ connection, namespace: config.namespace, dataConverter, interceptors: clientInterceptors() });
}

function clientInterceptors() {
  if (!activeTracing()) return undefined;
  // Loaded only while tracing, like the SDK itself.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OpenTelemetryWorkflowClientInterceptor } = require('@temporalio/interceptors-opentelemetry/lib/client') as typeof import('@temporalio/interceptors-opentelemetry/lib/client');
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}
