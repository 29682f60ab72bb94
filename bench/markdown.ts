/**
 * The tables in docs/benchmarks.md, from the results `npm run -s bench -- --json` wrote:
 *   npx tsx bench/markdown.ts bench/results/run-*.json [--baseline bench/results/baseline-*.json]
 * One column per run, then the mean and the spread (max - min, as a share of the mean).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { judge, shopTotal, type BenchResult } from './targets';

const GB = 1024 ** 3;

interface Row {
  label: string;
  values: number[];
  digits: number;
  baseline?: number;
}

function table(rows: Row[], runs: BenchResult[], baseline?: BenchResult): string {
  const head = ['', ...runs.map((_, index) => `run ${index + 1}`), 'mean', 'spread', ...(baseline ? ['before (baseline)'] : [])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const mean = row.values.reduce((sum, value) => sum + value, 0) / row.values.length;
    const spread = mean === 0 ? 0 : (100 * (Math.max(...row.values) - Math.min(...row.values))) / mean;
    const cells = [row.label, ...row.values.map((value) => value.toFixed(row.digits)), `**${mean.toFixed(row.digits)}**`, `±${(spread / 2).toFixed(0)} %`];
    if (baseline) cells.push(row.baseline === undefined || !Number.isFinite(row.baseline) ? '' : row.baseline.toFixed(row.digits));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function markdown(runs: BenchResult[], baseline?: BenchResult): string {
  const pick = (read: (result: BenchResult) => number, label: string, digits = 1): Row => ({
    label,
    values: runs.map(read),
    digits,
    baseline: baseline ? read(baseline) : undefined,
  });
  const targets = judge(runs[0]!).map((target, index): Row => {
    const unit = target.unit === 'GB' ? 2 : target.unit === 'req/s' ? 0 : 1;
    return {
      label: `${target.name}, ${target.unit} (${target.rule})`,
      values: runs.map((run) => judge(run)[index]!.measured),
      digits: unit,
      baseline: baseline ? judge(baseline)[index]!.measured : undefined,
    };
  });
  const verdicts = runs.map((run) => judge(run).map((target) => (target.pass ? 'PASS' : 'FAIL')));
  const sections = [
    '### Targets',
    table(targets, runs, baseline),
    '',
    `Verdicts per run: ${verdicts.map((list, index) => `run ${index + 1}: ${list.join(' ')}`).join('; ')}.`,
    '',
    '### Throughput and latency',
    table(
      [
        pick((r) => r.floor.concurrent.throughput, 'floor, 5 no-op activities, c=10: workflows/s'),
        pick((r) => r.floor.concurrent.p50Ms, 'floor, 5 activities, c=10: p50 start → result, ms', 0),
        pick((r) => r.floor.sequential.p50Ms, 'floor, 4 activities, c=1: p50, ms', 0),
        pick((r) => r.shop.direct.throughput, 'checkouts started on Temporal, c=10: checkouts/s'),
        pick((r) => r.shop.direct.p50Ms, 'checkouts started on Temporal, c=10: p50, ms', 0),
        pick((r) => r.shop.direct.throughput / r.floor.concurrent.throughput, 'ratio to the floor (throughput)', 2),
        pick((r) => r.shop.gatewaySequential.answerP50Ms ?? NaN, 'shopper via the gateway, c=1: p50 POST → 201, ms', 0),
        pick((r) => r.shop.gatewaySequential.p50Ms, 'shopper via the gateway, c=1: p50 POST → workflow done, ms', 0),
        pick((r) => r.shop.gatewayConcurrent.throughput, 'shoppers via the gateway, c=10: checkouts/s'),
        pick((r) => r.shop.gatewayConcurrent.answerP50Ms ?? NaN, 'shoppers via the gateway, c=10: p50 POST → 201, ms', 0),
      ],
      runs,
      baseline,
    ),
    '',
    '### CPU per checkout (ms), checkouts started on Temporal at c=10',
    table(
      [
        ...Object.keys(runs[0]!.shop.cpuMsPerCheckout.direct)
          .sort((a, b) => (runs[0]!.shop.cpuMsPerCheckout.direct[b] ?? 0) - (runs[0]!.shop.cpuMsPerCheckout.direct[a] ?? 0))
          .map((part) => pick((r) => r.shop.cpuMsPerCheckout.direct[part] ?? NaN, part)),
        pick((r) => shopTotal(r.shop.cpuMsPerCheckout.direct), '**shop + PostgreSQL**'),
        pick((r) => shopTotal(r.shop.cpuMsPerCheckout.gateway), 'shop + PostgreSQL, via the gateway at c=10'),
        pick((r) => r.floor.cpuMsPerWorkflow['floor-worker'] ?? NaN, 'floor worker, per workflow'),
        pick((r) => r.floor.cpuMsPerWorkflow.temporal ?? NaN, 'Temporal, per floor workflow'),
      ],
      runs,
      baseline,
    ),
    '',
    '### Memory (MB)',
    table(
      [
        pick((r) => (r.memory.peakPssBytes.shop / GB) * 1024, 'peak Pss, shop + PostgreSQL', 0),
        pick((r) => (shopTotal(r.memory.peakRssBytes) / GB) * 1024, 'peak RSS summed, shop + PostgreSQL', 0),
        ...['worker', 'gateway', 'orders', 'postgres', 'temporal'].map((part) => pick((r) => (r.memory.peakRssBytes[part] ?? NaN) / 1024 ** 2, `peak RSS, ${part}`, 0)),
      ],
      runs,
      baseline,
    ),
    '',
    '### Start and load',
    table(
      [
        pick((r) => r.startup.firstMs / 1000, 'npm start to ready, fresh clone, s'),
        pick((r) => r.startup.secondMs / 1000, 'npm start to ready, second start, s'),
        pick((r) => r.catalog.serviceRps, 'catalog GET /products/{sku}, req/s', 0),
        pick((r) => r.catalog.bareRps, 'bare express + pg, req/s', 0),
        pick((r) => r.load.start[0], 'load average (1 min) at the start', 2),
        pick((r) => r.load.end[0], 'load average (1 min) at the end', 2),
      ],
      runs,
      baseline,
    ),
  ];
  return sections.join('\n');
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ options: { baseline: { type: 'string' } }, allowPositionals: true });
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  process.stdout.write(`${markdown(positionals.map(read), values.baseline ? read(values.baseline) : undefined)}\n`);
}
