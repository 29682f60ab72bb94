import { DefaultLogger, Runtime } from '@temporalio/worker';

/** Workers log every state change at INFO; tests expect activity failures, so only errors are shown. Call before creating a worker. */
export function quietTemporalRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  } catch {
    // Already installed in this test file's module registry.
  }
}
