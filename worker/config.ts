/**
 * The worker's settings that its launchers need too (npm start, compose,
 * Kubernetes), kept apart from worker/main.ts so that reading them does not
 * load the SDK and the activities.
 */
import { msToNumber } from '@temporalio/common/lib/time';
import { ACTIVITY_TIMEOUTS } from '../temporal.config';

export const DEFAULT_WORKER_HEALTH_PORT = 3099;

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
