/**
 * The worker's settings that its launchers need too (npm start, compose,
 * Kubernetes), kept apart from worker/main.ts so that reading them does not
 * load the SDK and the activities.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { msToNumber } from '@temporalio/common/lib/time';
import { ACTIVITY_TIMEOUTS } from '../temporal.config';

export const DEFAULT_WORKER_HEALTH_PORT = 3099;

/** Where the worker's Runtime serves the Temporal SDK's metrics (and the checkout's, workflows/metrics.ts) for Prometheus. */
export const DEFAULT_WORKER_SDK_METRICS_PORT = 3098;

/**
 * The workflow interceptors (tracing, workflows/interceptors.ts): in the bundle `npm run build`
 * makes, and in the one the worker makes from the sources, and in the tests' bundles.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('../workflows/interceptors')];

/**
 * After a stop is asked for, activities in flight get as long as one attempt
 * may take anyway (its start-to-close timeout) to finish; then they are
 * cancelled, and Temporal retries them on another worker.
 */
export const WORKER_SHUTDOWN_GRACE_MS = msToNumber(ACTIVITY_TIMEOUTS.startToClose);

/** An activity that ignores its cancellation cannot hold the process for longer than this. */
export const WORKER_SHUTDOWN_FORCE_MS = WORKER_SHUTDOWN_GRACE_MS + 10_000;

/** What a launcher waits for after SIGTERM before SIGKILL: the worker's own limit, and time to close its connection. */
export const WORKER_STOP_GRACE_MS = WORKER_SHUTDOWN_FORCE_MS + 5_000;

/** `npm run build` writes the workflow bundle here, at the root of dist/ (scripts/build.ts). */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

/**
 * How the worker gets its workflow code. Run from the build (dist/worker/main.js), it loads
 * the bundle `npm run build` made beside it, so it never runs webpack at start. Run from the
 * sources (tsx), there is no bundle beside it: it bundles workflows/ itself, so a change there
 * is picked up by the next start.
 */
export function workflowCodeSource(workerDir: string = __dirname): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const codePath = path.join(workerDir, '..', WORKFLOW_BUNDLE_FILE);
  return existsSync(codePath) ? { workflowBundle: { codePath } } : { workflowsPath: require.resolve('../workflows') };
}
