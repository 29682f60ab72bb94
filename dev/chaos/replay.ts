/**
 * Every checkout the run started, replayed from its history (as Temporal
 * recorded it) against the current workflow code: a nondeterminism error
 * means a running checkout would get stuck the way issue 13's did. The
 * history of each that fails is written to <out>/histories/<workflow id>.json
 * (the form `temporal workflow show -o json` prints), to replay or read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { backOff } from 'exponential-backoff';
import { workflowSpanSinks } from '../../platform/telemetry/workflow-spans';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../worker/config';

export interface ReplayFailure {
  workflowId: string;
  /** DeterminismViolationError, or ReplayError for anything else. */
  kind: string;
  message: string;
  /** Where its history was written. */
  historyFile: string;
}

export interface ReplayReport {
  replayed: number;
  failures: ReplayFailure[];
}

/** The SDK's own logs only when something is wrong: the run prints its own report. */
export function quietTemporalRuntime(): void {
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR' }, console: {} } } });
}

function silentBundlerLogger() {
  const ignore = () => undefined;
  return { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: (message: string) => console.error(message), log: ignore };
}

export async function fetchHistory(client: Client, workflowId: string): Promise<temporal.api.history.v1.IHistory> {
  return backOff(() => client.workflow.getHandle(workflowId).fetchHistory(), { numOfAttempts: 10, startingDelay: 500, maxDelay: 5_000 });
}

export async function replayAll(client: Client, dataConverter: DataConverter, workflowIds: string[], outDir: string): Promise<ReplayReport> {
  // As the worker runs them: with its workflow interceptors (tracing), and their sink.
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: silentBundlerLogger(),
  });
  const histories = new Map<string, temporal.api.history.v1.IHistory>();
  for (const workflowId of workflowIds) histories.set(workflowId, await fetchHistory(client, workflowId));
  const failures: ReplayFailure[] = [];
  let replayed = 0;
  const results = Worker.runReplayHistories({ workflowBundle, dataConverter, sinks: workflowSpanSinks(undefined) }, [...histories].map(([workflowId, history]) => ({ workflowId, history })));
  for await (const result of results) {
    replayed++;
    if (!result.error) continue;
    const historyFile = path.join(outDir, 'histories', `${result.workflowId}.json`);
    mkdirSync(path.dirname(historyFile), { recursive: true });
    writeFileSync(historyFile, historyToJSON(histories.get(result.workflowId)! as temporal.api.history.v1.History));
    // The SDK wraps core's message ("[TMPRL1100] Nondeterminism error: ...") in a debug dump of the failure.
    const message = /\[TMPRL\d+\][^"]*/.exec(result.error.message)?.[0] ?? result.error.message;
    failures.push({ workflowId: result.workflowId, kind: result.error.name, message, historyFile });
  }
  return { replayed, failures };
}
