/**
 * The chart in docs/benchmarks.md, drawn from the results `npm run bench -- --json` wrote:
 *   npx tsx bench/chart.ts bench/results/*.json > docs/benchmarks.svg
 * Vega-Lite (rendered to SVG by Vega, headless: no browser, no network). Two panels:
 * each target as a share of its limit (100 % = just met; every run a tick, the bar their
 * mean), and the CPU per checkout of each process.
 */
import { readFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { judge, NOT_SHOP, type BenchResult } from './targets';

/** How far a measure is from its limit, as a share where 100 % is just met and more is better. */
export function shareOfTarget(target: { measured: number; limit: number; kind: 'min' | 'max' }): number {
  return 100 * (target.kind === 'min' ? target.measured / target.limit : target.limit / target.measured);
}

export function chartSpec(results: BenchResult[]): TopLevelSpec {
  const targets = results.flatMap((result, run) =>
    judge(result).map((target) => ({ run: run + 1, target: target.name, share: Math.round(shareOfTarget(target)), pass: target.pass ? 'met' : 'not met' })),
  );
  const cpu = results.flatMap((result, run) =>
    (['direct', 'gateway'] as const).flatMap((path) =>
      Object.entries(result.shop.cpuMsPerCheckout[path])
        .filter(([part]) => !NOT_SHOP.has(part) || part === 'temporal')
        .map(([part, ms]) => ({ run: run + 1, path: path === 'direct' ? 'started on Temporal' : 'through the gateway', part, ms: Math.round(ms * 10) / 10 })),
    ),
  );
  const when = results.map((result) => result.startedAt.slice(0, 10));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `npm run bench on ${results[0]?.machine.cores ?? 2} cores, ${results.length} run(s), ${[...new Set(when)].join(', ')}`, anchor: 'start' },
    config: { font: 'sans-serif', view: { stroke: null } },
    vconcat: [
      {
        title: { text: 'Each target as a share of its limit (100 % = met; ticks: single runs)', anchor: 'start', fontSize: 12 },
        width: 520,
        data: { values: targets },
        layer: [
          {
            mark: { type: 'bar', height: 14 },
            encoding: {
              y: { field: 'target', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } },
              x: { aggregate: 'mean', field: 'share', type: 'quantitative', title: '% of target (log)', scale: { type: 'log', domain: [5, 500] } },
              color: { aggregate: 'min', field: 'pass', type: 'nominal', scale: { domain: ['met', 'not met'], range: ['#2e7d32', '#c62828'] }, title: null },
            },
          },
          { mark: { type: 'tick', color: 'black', thickness: 1.5 }, encoding: { y: { field: 'target', type: 'nominal', sort: null }, x: { field: 'share', type: 'quantitative' } } },
          { data: { values: [{ share: 100 }] }, mark: { type: 'rule', strokeDash: [4, 3] }, encoding: { x: { field: 'share', type: 'quantitative' } } },
        ],
      },
      {
        title: { text: 'CPU per checkout by process, ms (mean of the runs)', anchor: 'start', fontSize: 12 },
        width: 520,
        data: { values: cpu },
        mark: { type: 'bar', height: 18 },
        encoding: {
          y: { field: 'path', type: 'nominal', title: null },
          x: { aggregate: 'mean', field: 'ms', type: 'quantitative', title: 'ms of CPU per checkout', stack: 'zero' },
          color: { field: 'part', type: 'nominal', title: 'process', scale: { scheme: 'tableau20' } },
          order: { aggregate: 'mean', field: 'ms', sort: 'descending' },
          tooltip: [{ field: 'part' }, { aggregate: 'mean', field: 'ms' }],
        },
      },
    ],
  };
}

export async function renderSvg(results: BenchResult[]): Promise<string> {
  const view = new vega.View(vega.parse(compile(chartSpec(results)).spec), { renderer: 'none' });
  return view.toSVG();
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: npx tsx bench/chart.ts <result.json>... > chart.svg');
    process.exit(2);
  }
  const results = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as BenchResult);
  renderSvg(results).then(
    (svg) => process.stdout.write(svg),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
