/**
 * The targets of issue 9, judged from one benchmark run. Ratios are taken
 * against the floor measured in the same run, because absolute figures on a
 * shared 2-core machine drift with whatever else runs on it.
 */
import { SIMULATOR_NAMES } from '../platform/services';
import type { PhaseResult } from './load';

export interface ProcessFigures {
  /** CPU milliseconds per checkout (or per floor workflow) during the phase. */
  cpuMsPerCheckout: Record<string, number>;
}

export interface BenchResult {
  version: 1;
  startedAt: string;
  machine: { cores: number; memoryBytes: number; node: string; platform: string };
  /** /proc/loadavg at the start and the end: other sessions share the machine. */
  load: { start: [number, number, number]; end: [number, number, number] };
  startup: { firstMs: number; secondMs: number };
  floor: { concurrent: PhaseResult; sequential: PhaseResult; steps: { concurrent: number; sequential: number }; cpuMsPerWorkflow: Record<string, number> };
  shop: {
    direct: PhaseResult;
    gatewaySequential: PhaseResult;
    gatewayConcurrent: PhaseResult;
    /** Per part (each Node process of ours, postgres, temporal), per checkout. */
    cpuMsPerCheckout: { direct: Record<string, number>; gateway: Record<string, number> };
  };
  memory: {
    /** Peak resident set (VmHWM) of each process, bytes. */
    peakRssBytes: Record<string, number>;
    /** Peak of the group's summed proportional set size, sampled: shared pages counted once. */
    peakPssBytes: { shop: number; temporal: number; floor: number };
  };
  catalog: { serviceRps: number; bareRps: number; connections: number; seconds: number };
}

/** The shop's own processes: the payment provider simulator is an outside party, and npm start's launcher is development tooling. */
export const NOT_SHOP = new Set<string>([...SIMULATOR_NAMES, 'temporal', 'launcher', 'floor-worker', 'bare-catalog']);

export function shopTotal(perPart: Record<string, number>): number {
  return Object.entries(perPart)
    .filter(([part]) => !NOT_SHOP.has(part))
    .reduce((sum, [, value]) => sum + value, 0);
}

export interface TargetOutcome {
  name: string;
  /** The target as the issue words it, the same in every run: "≥ 0.8 × floor", "≤ 35 ms". */
  rule: string;
  measured: number;
  limit: number;
  unit: string;
  /** `min`: measured must be at least the limit; `max`: at most. */
  kind: 'min' | 'max';
  pass: boolean;
  /** The limit in this run, e.g. "0.8 × floor 30.2/s = 24.2". */
  detail: string;
}

const GB = 1024 ** 3;

export function judge(result: BenchResult): TargetOutcome[] {
  const outcome = (name: string, rule: string, measured: number, limit: number, unit: string, kind: 'min' | 'max', detail = rule): TargetOutcome => ({
    name,
    rule,
    measured,
    limit,
    unit,
    kind,
    pass: Number.isFinite(measured) && (kind === 'min' ? measured >= limit : measured <= limit),
    detail,
  });
  const floor = result.floor.concurrent.throughput;
  const floorSequential = result.floor.sequential.p50Ms;
  return [
    outcome('throughput at concurrency 10 (direct starts)', '≥ 0.8 × floor', result.shop.direct.throughput, 0.8 * floor, 'checkouts/s', 'min', `≥ 0.8 × floor ${floor.toFixed(1)}/s = ${(0.8 * floor).toFixed(1)}`),
    outcome('CPU per checkout, shop + PostgreSQL', '≤ 35 ms', shopTotal(result.shop.cpuMsPerCheckout.direct), 35, 'ms', 'max'),
    outcome('peak memory, shop + PostgreSQL (Pss)', '≤ 1.0 GB', result.memory.peakPssBytes.shop / GB, 1.0, 'GB', 'max'),
    outcome(
      'POST /checkouts → 201 p50, concurrency 1',
      `≤ 1.25 × floor of ${result.floor.steps.sequential} activities`,
      result.shop.gatewaySequential.answerP50Ms ?? NaN,
      1.25 * floorSequential,
      'ms',
      'max',
      `≤ 1.25 × floor ${floorSequential.toFixed(0)} ms = ${(1.25 * floorSequential).toFixed(0)}`,
    ),
    outcome(
      'catalog GET /products/{sku}',
      '≥ 0.5 × bare express + pg',
      result.catalog.serviceRps,
      0.5 * result.catalog.bareRps,
      'req/s',
      'min',
      `≥ 0.5 × bare ${result.catalog.bareRps.toFixed(0)} req/s = ${(0.5 * result.catalog.bareRps).toFixed(0)}`,
    ),
    outcome('npm start to ready, fresh clone', '≤ 20 s', result.startup.firstMs / 1000, 20, 's', 'max'),
    outcome('npm start to ready, second start', '≤ 8 s', result.startup.secondMs / 1000, 8, 's', 'max'),
  ];
}

function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** The report people read: every target with its measure, limit and verdict, then the figures behind them. */
export function formatReport(result: BenchResult): string {
  const lines: string[] = [];
  const { shop, floor } = result;
  lines.push(`npm run bench, ${result.startedAt}: ${result.machine.cores} cores, Node ${result.machine.node}`);
  lines.push(`load average at start ${result.load.start.join(' ')}, at end ${result.load.end.join(' ')}`);
  lines.push('');
  lines.push('Targets');
  for (const target of judge(result)) {
    const verdict = target.pass ? 'PASS' : 'FAIL';
    lines.push(`  ${verdict}  ${target.name.padEnd(46)} ${fixed(target.measured, target.unit === 'GB' ? 2 : 1).padStart(8)} ${target.unit.padEnd(12)} (${target.detail})`);
  }
  lines.push('');
  const row = (label: string, phase: { throughput: number; p50Ms: number; p95Ms: number; failed: number; count: number; concurrency: number; answerP50Ms?: number }) =>
    `  ${label.padEnd(44)} ${fixed(phase.throughput).padStart(6)}/s  p50 ${fixed(phase.p50Ms, 0).padStart(5)} ms  p95 ${fixed(phase.p95Ms, 0).padStart(5)} ms` +
    (phase.answerP50Ms !== undefined ? `  (→201 p50 ${fixed(phase.answerP50Ms, 0)} ms)` : '') +
    `  ${phase.count} at c=${phase.concurrency}${phase.failed ? `, ${phase.failed} FAILED` : ''}`;
  lines.push('Throughput and latency (start → result)');
  lines.push(row(`floor: ${floor.steps.concurrent} no-op activities`, floor.concurrent));
  lines.push(row(`floor: ${floor.steps.sequential} no-op activities`, floor.sequential));
  lines.push(row('shop: checkout started on Temporal', shop.direct));
  lines.push(row('shop: shopper via the gateway', shop.gatewaySequential));
  lines.push(row('shop: shoppers via the gateway', shop.gatewayConcurrent));
  lines.push(`  ratios to the floor: direct ${fixed(shop.direct.throughput / floor.concurrent.throughput, 2)}×, gateway ${fixed(shop.gatewayConcurrent.throughput / floor.concurrent.throughput, 2)}× throughput; POST→201 ${fixed((shop.gatewaySequential.answerP50Ms ?? NaN) / floor.sequential.p50Ms, 2)}× the floor's ${floor.steps.sequential} activities`);
  lines.push('');
  lines.push('CPU per checkout (ms), by process');
  const parts = [...new Set([...Object.keys(shop.cpuMsPerCheckout.direct), ...Object.keys(shop.cpuMsPerCheckout.gateway)])].sort(
    (a, b) => (shop.cpuMsPerCheckout.direct[b] ?? 0) - (shop.cpuMsPerCheckout.direct[a] ?? 0),
  );
  lines.push(`  ${'process'.padEnd(20)} ${'direct'.padStart(8)} ${'gateway'.padStart(8)}`);
  for (const part of parts) {
    const note = NOT_SHOP.has(part) ? '  (not counted as the shop)' : '';
    lines.push(`  ${part.padEnd(20)} ${fixed(shop.cpuMsPerCheckout.direct[part] ?? NaN).padStart(8)} ${fixed(shop.cpuMsPerCheckout.gateway[part] ?? NaN).padStart(8)}${note}`);
  }
  lines.push(`  ${'shop + PostgreSQL'.padEnd(20)} ${fixed(shopTotal(shop.cpuMsPerCheckout.direct)).padStart(8)} ${fixed(shopTotal(shop.cpuMsPerCheckout.gateway)).padStart(8)}`);
  lines.push(`  floor, per workflow: ${Object.entries(floor.cpuMsPerWorkflow).map(([part, ms]) => `${part} ${fixed(ms)}`).join(', ')}`);
  lines.push('');
  lines.push('Memory');
  const mb = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MB`;
  lines.push(`  peak Pss: shop + PostgreSQL ${mb(result.memory.peakPssBytes.shop)}, Temporal ${mb(result.memory.peakPssBytes.temporal)}, floor worker ${mb(result.memory.peakPssBytes.floor)}`);
  const rss = Object.entries(result.memory.peakRssBytes).sort(([, a], [, b]) => b - a);
  lines.push(`  peak RSS per process: ${rss.map(([part, bytes]) => `${part} ${mb(bytes)}`).join(', ')}`);
  lines.push(`  peak RSS summed, shop + PostgreSQL: ${mb(shopTotal(result.memory.peakRssBytes))} (shared pages counted in each process)`);
  lines.push('');
  lines.push(`Catalog GET /products/{sku}: ${fixed(result.catalog.serviceRps, 0)} req/s; bare express + pg: ${fixed(result.catalog.bareRps, 0)} req/s (${fixed(result.catalog.serviceRps / result.catalog.bareRps, 2)}×; ${result.catalog.connections} connections, ${result.catalog.seconds} s each)`);
  lines.push(`npm start to ready: fresh clone ${fixed(result.startup.firstMs / 1000)} s, second start ${fixed(result.startup.secondMs / 1000)} s`);
  return lines.join('\n');
}
