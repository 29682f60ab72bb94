/**
 * The schedule of faults, drawn from the run's seed: after a pause, one of
 *  - SIGKILL a part that is up (a service, the payment provider simulator,
 *    the gateway or the worker), started again a moment later;
 *  - freeze PostgreSQL (SIGSTOP, then SIGCONT a few seconds later);
 *  - SIGKILL the Temporal dev server, started again on its SQLite file.
 * Faults overlap: a part may be killed while PostgreSQL is frozen or another
 * part is still coming back. It runs until enough kills were made or its time is up.
 */
import { sleep } from './calls';
import type { Random } from './random';
import { TEMPORAL, type ChaosStack } from './stack';

const WEIGHTS = { kill: 84, freeze: 8, temporal: 8 } as const;
const RESTART_AFTER_MS = { min: 0, max: 3_000 };
const FREEZE_MS = { min: 1_000, max: 8_000 };
const TEMPORAL_DOWN_MS = { min: 500, max: 4_000 };

export interface FaultLogEntry {
  /** Seconds since the stack started. */
  at: number;
  fault: 'kill' | 'freeze' | 'temporal';
  part?: string;
  pid?: number;
  ms?: number;
}

export async function runFaults(
  stack: ChaosStack,
  random: Random,
  options: { kills: number; untilMs: number; meanIntervalMs: number },
  say: (message: string) => void,
): Promise<FaultLogEntry[]> {
  const log: FaultLogEntry[] = [];
  const pending: Promise<unknown>[] = [];
  const deadline = Date.now() + options.untilMs;
  const kills = () => [...stack.kills.values()].reduce((sum, count) => sum + count, 0);
  while (kills() < options.kills && Date.now() < deadline) {
    await sleep(random.between(options.meanIntervalMs / 2, (options.meanIntervalMs * 3) / 2));
    const fault = random.weighted(WEIGHTS);
    const restartAfterMs = random.between(RESTART_AFTER_MS.min, RESTART_AFTER_MS.max);
    const freezeMs = random.between(FREEZE_MS.min, FREEZE_MS.max);
    const temporalDownMs = random.between(TEMPORAL_DOWN_MS.min, TEMPORAL_DOWN_MS.max);
    const candidates = stack.killable();
    const victim = candidates.length > 0 ? random.pick(candidates) : undefined;
    const at = stack.elapsed();
    if (fault === 'freeze' && !stack.postgresFrozen) {
      log.push({ at, fault, ms: freezeMs });
      say(`${at} s: freezing PostgreSQL for ${(freezeMs / 1000).toFixed(1)} s`);
      pending.push(stack.freezePostgres(freezeMs));
    } else if (fault === 'temporal' && stack.temporalUp) {
      log.push({ at, fault, part: TEMPORAL, ms: temporalDownMs });
      say(`${at} s: killing Temporal (back in ${(temporalDownMs / 1000).toFixed(1)} s)  [kill ${kills() + 1}]`);
      pending.push(stack.killTemporal(temporalDownMs));
      // Counted once it is dead; the next draw must see it.
      await waitUntil(() => !stack.temporalUp);
    } else if (victim) {
      const { pid } = await stack.kill(victim, restartAfterMs);
      log.push({ at, fault: 'kill', part: victim, pid });
      say(`${at} s: killed ${victim} (pid ${pid}), restarting in ${(restartAfterMs / 1000).toFixed(1)} s  [kill ${kills()}]`);
    }
  }
  await Promise.all(pending);
  return log;
}

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}
