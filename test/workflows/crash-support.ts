/**
 * For tests and recorders that kill a worker in the middle of a workflow: a
 * worker process of their own that prints its held activity's task token, and
 * a wait for an update to be admitted while no worker runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { eventually } from '../support/eventually';

export interface WorkerToKill {
  child: ChildProcess;
  /** The task token of the activity it holds, once it runs. */
  token: Promise<Uint8Array>;
  kill(): Promise<void>;
}

/** `node --import tsx <script> ...args`; resolves once the script prints READY. */
export async function startWorkerToKill(script: string, args: string[]): Promise<WorkerToKill> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  let ready!: () => void;
  let gotToken!: (token: Uint8Array) => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const token = new Promise<Uint8Array>((resolve) => (gotToken = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('READY')) ready();
    const match = /TOKEN (\S+)/.exec(output);
    if (match) gotToken(Buffer.from(match[1]!, 'base64'));
  });
  await isReady;
  return {
    child,
    token,
    async kill() {
      child.kill('SIGKILL');
      await once(child, 'exit');
      // For the server to see the dead worker's poll go: its next task then waits on its sticky queue.
      await new Promise((resolve) => setTimeout(resolve, 1500));
    },
  };
}

/** Resolves once the server holds the update, waiting for a worker to take it. */
export async function admitted(client: Client, workflowId: string, updateId: string): Promise<void> {
  await eventually('the update to be admitted', () =>
    client.workflowService
      .pollWorkflowExecutionUpdate({
        namespace: client.options.namespace,
        updateRef: { workflowExecution: { workflowId }, updateId },
        waitPolicy: { lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED },
        identity: 'test',
      })
      .then(
        () => true,
        () => undefined,
      ),
  );
}
