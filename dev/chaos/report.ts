/** The chaos run's figures: for people (formatReport) and for machines (the object itself, --json). */
import type { FaultLogEntry } from './faults';
import { outcomeOf, type InvariantReport, type Outcome } from './invariants';
import type { ChaosOptions } from './options';
import type { ReplayReport } from './replay';
import type { CheckoutRecord } from './shoppers';
import type { ChaosStack, Crash } from './stack';
import type { SupportDesk } from './support';

export interface ChaosReport {
  passed: boolean;
  seed: number;
  options: { kills: number; minutes: number; shoppers: number; intervalSeconds: number; settleMinutes: number };
  outDir: string;
  seconds: { total: number; startup: number; faults: number };
  checkouts: {
    total: number;
    byOutcome: Record<string, number>;
    byScenario: Record<string, Record<string, number>>;
    submits: number;
    /** Submits beyond the first of each checkout, with the same Idempotency-Key. */
    repeatedSubmits: number;
    customerCancelsSent: number;
    supportDecisions: { retry: number; cancel: number };
  };
  faults: {
    kills: number;
    killsByPart: Record<string, number>;
    postgresFreezes: number;
    postgresFrozenSeconds: number;
    temporalRestarts: number;
    /** Parts that ended without being killed: not a money invariant, but worth a look. */
    crashesOnTheirOwn: Crash[];
  };
  invariants: { checks: number; checkedByInvariant: Record<string, number>; violations: InvariantReport['violations'] };
  replay: ReplayReport;
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export function buildReport(input: {
  options: ChaosOptions;
  durations: { totalMs: number; startupMs: number; faultPhaseMs: number };
  stack: ChaosStack;
  faultLog: FaultLogEntry[];
  checkouts: CheckoutRecord[];
  outcomes: Map<string, Outcome>;
  support: SupportDesk;
  invariants: InvariantReport;
  replay: ReplayReport;
}): ChaosReport {
  const { options, stack, checkouts, outcomes } = input;
  const ended = (record: CheckoutRecord) => outcomeOf(outcomes.get(record.checkoutId));
  const byScenario: Record<string, Record<string, number>> = {};
  for (const scenario of [...new Set(checkouts.map((record) => record.scenario))].sort()) {
    byScenario[scenario] = tally(checkouts.filter((record) => record.scenario === scenario).map(ended));
  }
  const killsByPart = Object.fromEntries([...stack.kills].sort(([a], [b]) => a.localeCompare(b)));
  const checkedByInvariant = input.invariants.checked;
  return {
    passed: input.invariants.violations.length === 0 && input.replay.failures.length === 0,
    seed: options.seed,
    options: {
      kills: options.kills,
      minutes: options.faultPhaseMs / 60_000,
      shoppers: options.shoppers,
      intervalSeconds: options.faultIntervalMs / 1000,
      settleMinutes: options.settleMs / 60_000,
    },
    outDir: options.outDir,
    seconds: {
      total: Math.round(input.durations.totalMs / 1000),
      startup: Math.round(input.durations.startupMs / 1000),
      faults: Math.round(input.durations.faultPhaseMs / 1000),
    },
    checkouts: {
      total: checkouts.length,
      byOutcome: tally(checkouts.map(ended)),
      byScenario,
      submits: checkouts.reduce((sum, record) => sum + record.submits, 0),
      repeatedSubmits: checkouts.reduce((sum, record) => sum + Math.max(0, record.submits - 1), 0),
      customerCancelsSent: checkouts.reduce((sum, record) => sum + record.cancelsSent, 0),
      supportDecisions: {
        retry: input.support.decisions.filter((decision) => decision.action === 'retry').length,
        cancel: input.support.decisions.filter((decision) => decision.action === 'cancel').length,
      },
    },
    faults: {
      kills: Object.values(killsByPart).reduce((sum, count) => sum + count, 0),
      killsByPart,
      postgresFreezes: stack.freezes.length,
      postgresFrozenSeconds: Math.round(stack.freezes.reduce((sum, freeze) => sum + freeze.ms, 0) / 100) / 10,
      temporalRestarts: stack.kills.get('temporal') ?? 0,
      crashesOnTheirOwn: stack.crashes,
    },
    invariants: {
      checks: Object.values(checkedByInvariant).reduce((sum, count) => sum + count, 0),
      checkedByInvariant,
      violations: input.invariants.violations,
    },
    replay: input.replay,
  };
}

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}

export function formatReport(report: ChaosReport): string {
  const lines = [
    '',
    `chaos run, seed ${report.seed}: ${report.passed ? 'PASSED' : 'FAILED'}`,
    `  time         ${report.seconds.total} s (start-up ${report.seconds.startup} s, faults ${report.seconds.faults} s)`,
    `  faults       ${report.faults.kills} kills: ${counts(report.faults.killsByPart)}`,
    `               PostgreSQL frozen ${report.faults.postgresFreezes} times (${report.faults.postgresFrozenSeconds} s in all); Temporal restarted ${report.faults.temporalRestarts} times`,
    `  checkouts    ${report.checkouts.total}: ${counts(report.checkouts.byOutcome)}`,
    ...Object.entries(report.checkouts.byScenario).map(([scenario, outcomes]) => `    ${scenario.padEnd(20)} ${counts(outcomes)}`),
    `  shoppers     ${report.checkouts.submits} submits (${report.checkouts.repeatedSubmits} repeated with the same key), ${report.checkouts.customerCancelsSent} cancels sent`,
    `  support      ${report.checkouts.supportDecisions.retry} retries, ${report.checkouts.supportDecisions.cancel} cancels`,
    `  invariants   ${report.invariants.checks} checks: ${counts(report.invariants.checkedByInvariant)}`,
    `  replay       ${report.replay.replayed} histories replayed, ${report.replay.failures.length} failed`,
  ];
  if (report.faults.crashesOnTheirOwn.length > 0) {
    lines.push('', `${report.faults.crashesOnTheirOwn.length} crashes that the run did not cause (see the part's log):`);
    for (const crash of report.faults.crashesOnTheirOwn) lines.push(`  ${crash.at} s ${crash.part}: ${crash.how}`, ...(crash.lastLines ? [crash.lastLines] : []));
  }
  if (report.replay.failures.length > 0) {
    lines.push('', 'histories that do not replay:');
    for (const failure of report.replay.failures) lines.push(`  ${failure.workflowId}: ${failure.kind}: ${failure.message}`, `    history: ${failure.historyFile}`);
  }
  if (report.invariants.violations.length > 0) {
    lines.push('', `${report.invariants.violations.length} violations:`);
    for (const violation of report.invariants.violations) {
      lines.push(`  [${violation.invariant}]${violation.checkoutId ? ` checkout ${violation.checkoutId}` : ''}: ${violation.detail}`);
      if (violation.rows !== undefined) lines.push(`    rows: ${JSON.stringify(violation.rows)}`);
    }
  }
  lines.push('', `report: ${report.outDir}/report.json`, '');
  return lines.join('\n');
}
