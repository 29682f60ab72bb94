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
  const judged = results.map((result) => judge(result));
  const ticks = judged.flatMap((targets, run) => targets.map((target) => ({ run: run + 1, target: `${target.name} ${target.rule}`, share: shareOfTarget(target) })));
  const bars = judged[0]!.map((target, index) => {
    const passes = judged.filter((targets) => targets[index]!.pass).length;
    return {
      target: `${target.name} ${target.rule}`,
      share: judged.reduce((sum, targets) => sum + shareOfTarget(targets[index]!), 0) / judged.length,
      verdict: passes === judged.length ? 'met in every run' : passes === 0 ? 'not met' : 'met in some runs',
    };
  });
  // Means over the runs, taken here: a stacked bar of means would stack Vega-Lite's aggregates.
  const cpu = (['direct', 'gateway'] as const).flatMap((path) => {
    const parts = [...new Set(results.flatMap((result) => Object.keys(result.shop.cpuMsPerCheckout[path])))].filter((part) => !NOT_SHOP.has(part) || part === 'temporal');
    return parts.map((part) => ({
      path: path === 'direct' ? 'started on Temporal' : 'via the gateway',
      part: part === 'temporal' ? 'temporal (not the shop)' : part,
      ms: Math.round((10 * results.reduce((sum, result) => sum + (result.shop.cpuMsPerCheckout[path][part] ?? 0), 0)) / results.length) / 10,
    }));
  });
  const when = results.map((result) => result.startedAt.slice(0, 10));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `npm run bench on ${results[0]?.machine.cores ?? 2} cores, ${results.length} run(s), ${[...new Set(when)].join(', ')}`, anchor: 'start' },
    config: { font: 'sans-serif', view: { stroke: null } },
    resolve: { scale: { color: 'independent' } },
    vconcat: [
      {
        title: { text: 'Each target as a share of its limit (100 % = met; ticks: single runs)', anchor: 'start', fontSize: 12 },
        width: 480,
        layer: [
          {
            data: { values: bars },
            mark: { type: 'bar', height: 14, clip: true },
            encoding: {
              y: { field: 'target', type: 'nominal', sort: null, title: null, axis: { labelLimit: 420 } },
              x: { field: 'share', type: 'quantitative', title: '% of target, mean of the runs', scale: { domain: [0, 200], clamp: true } },
              color: { field: 'verdict', type: 'nominal', scale: { domain: ['met in every run', 'met in some runs', 'not met'], range: ['#2e7d32', '#f9a825', '#c62828'] }, title: null },
            },
          },
          {
            data: { values: ticks },
            mark: { type: 'tick', color: 'black', thickness: 1.5 },
            encoding: { y: { field: 'target', type: 'nominal', sort: null }, x: { field: 'share', type: 'quantitative' } },
          },
          { data: { values: [{ share: 100 }] }, mark: { type: 'rule', strokeDash: [4, 3] }, encoding: { x: { field: 'share', type: 'quantitative' } } },
        ],
      },
      {
        title: { text: 'CPU per checkout by process at concurrency 10, ms (mean of the runs; the target is 35 ms for the shop)', anchor: 'start', fontSize: 12 },
        width: 480,
        data: { values: cpu },
        mark: { type: 'bar', height: 18 },
        encoding: {
          y: { field: 'path', type: 'nominal', title: null, axis: { labelLimit: 420 } },
          x: { field: 'ms', type: 'quantitative', title: 'ms of CPU per checkout', stack: 'zero' },
          color: { field: 'part', type: 'nominal', title: 'process', scale: { scheme: 'tableau20' } },
          order: { field: 'ms', sort: 'descending' },
          tooltip: [{ field: 'part' }, { field: 'ms' }],
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
