/**
 * Periodic jobs on jest's fake clock: a run far slower than the interval must
 * neither overlap the next nor leave a backlog of runs queued behind it.
 */
import pino from 'pino';
import { startPeriodicJob } from '../../platform/periodic-job';

const INTERVAL_MS = 1000;

/** A job whose runs wait until the test lets each one finish. */
function slowJob() {
  const gates: (() => void)[] = [];
  const state = { started: 0, finished: 0, running: 0, mostAtOnce: 0 };
  const work = async () => {
    state.started += 1;
    state.running += 1;
    state.mostAtOnce = Math.max(state.mostAtOnce, state.running);
    await new Promise<void>((resolve) => gates.push(resolve));
    state.running -= 1;
    state.finished += 1;
  };
  const finishRun = async () => {
    const gate = gates.shift();
    if (!gate) throw new Error('no run is waiting');
    gate();
    // Let the run's promise chain settle (no time passes on the fake clock).
    await jest.advanceTimersByTimeAsync(0);
  };
  return { state, work, finishRun };
}

const silent = pino({ level: 'silent' });

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

it('never runs twice at once, and starts the next run an interval after a slow one finished, with no backlog', async () => {
  const { state, work, finishRun } = slowJob();
  const job = startPeriodicJob({ name: 'slow', intervalMs: INTERVAL_MS, logger: silent, work });
  try {
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(state.started).toBe(1);

    // The run takes fifty intervals.
    await jest.advanceTimersByTimeAsync(50 * INTERVAL_MS);
    expect(state).toMatchObject({ started: 1, running: 1 });

    await finishRun();
    // Nothing was queued meanwhile: the next run waits a whole interval from here.
    expect(state).toMatchObject({ started: 1, finished: 1 });
    await jest.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    expect(state.started).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(state.started).toBe(2);
    await finishRun();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(state.started).toBe(3);
    expect(state.mostAtOnce).toBe(1);
    await finishRun();
  } finally {
    await job.stop();
  }
});

it('stop waits for the run in flight, and no run starts after it', async () => {
  const { state, work, finishRun } = slowJob();
  const job = startPeriodicJob({ name: 'slow', intervalMs: INTERVAL_MS, logger: silent, work });
  await jest.advanceTimersByTimeAsync(INTERVAL_MS);
  expect(state.running).toBe(1);

  let stopped = false;
  const stopping = job.stop().then(() => {
    stopped = true;
  });
  await jest.advanceTimersByTimeAsync(10 * INTERVAL_MS);
  expect(stopped).toBe(false);

  await finishRun();
  await stopping;
  expect(stopped).toBe(true);
  await jest.advanceTimersByTimeAsync(10 * INTERVAL_MS);
  expect(state).toMatchObject({ started: 1, finished: 1, running: 0 });
});

it('logs a failed run and carries on', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  let runs = 0;
  const job = startPeriodicJob({
    name: 'flaky job',
    intervalMs: INTERVAL_MS,
    logger,
    work: async () => {
      runs += 1;
      if (runs === 1) throw new Error('database unreachable');
    },
  });
  try {
    await jest.advanceTimersByTimeAsync(2 * INTERVAL_MS);
    expect(runs).toBe(2);
    expect(lines).toEqual([expect.objectContaining({ level: 40, job: 'flaky job', msg: 'flaky job failed; will try again', err: expect.objectContaining({ message: 'database unreachable' }) })]);
  } finally {
    await job.stop();
  }
});
