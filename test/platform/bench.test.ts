/**
 * The benchmark's own arithmetic (npm run bench measures; these check how it
 * judges, reads /proc and profiles): no timing is asserted here.
 */
import { shareOfTarget } from '../../bench/chart';
import { percentile, runPhase } from '../../bench/load';
import { cpuMs, descendants, listProcesses, peakRssBytes, pssBytes } from '../../bench/proc';
import { owner, summariseProfile } from '../../bench/profile';
import { BARE_CATALOG_ROLE, notForTheShop, partOf } from '../../bench/stack';
import { judge, shopTotal, type BenchResult } from '../../bench/targets';

const phase = (throughput: number, p50Ms: number, answerP50Ms?: number) => ({
  count: 10,
  concurrency: 10,
  failed: 0,
  wallSeconds: 1,
  throughput,
  p50Ms,
  p95Ms: p50Ms,
  maxMs: p50Ms,
  ...(answerP50Ms === undefined ? {} : { answerP50Ms }),
});

function result(overrides: { shopThroughput: number; answerMs: number; cpu: Record<string, number>; pssGb: number; serviceRps: number; firstMs: number; secondMs: number }): BenchResult {
  return {
    version: 1,
    startedAt: '2026-12-04T00:00:00Z',
    machine: { cores: 2, memoryBytes: 1, node: '20', platform: 'linux x64' },
    load: { start: [1, 1, 1], end: [1, 1, 1] },
    startup: { firstMs: overrides.firstMs, secondMs: overrides.secondMs },
    floor: { concurrent: phase(30, 300), sequential: phase(4, 200), steps: { concurrent: 5, sequential: 4 }, cpuMsPerWorkflow: {} },
    shop: {
      direct: phase(overrides.shopThroughput, 700),
      gatewaySequential: phase(1, 400, overrides.answerMs),
      gatewayConcurrent: phase(10, 900, 600),
      cpuMsPerCheckout: { direct: overrides.cpu, gateway: overrides.cpu },
    },
    memory: { peakRssBytes: {}, peakPssBytes: { shop: overrides.pssGb * 1024 ** 3, temporal: 0, floor: 0 } },
    catalog: { serviceRps: overrides.serviceRps, bareRps: 1000, connections: 10, seconds: 1 },
  };
}

describe('judging the targets', () => {
  it('passes a run that meets each target and fails one that misses each, against the floor of the same run', () => {
    const good = judge(result({ shopThroughput: 24, answerMs: 250, cpu: { worker: 20, postgres: 10, temporal: 50, 'payment-provider': 9 }, pssGb: 0.9, serviceRps: 500, firstMs: 19_000, secondMs: 7_000 }));
    expect(good.map((target) => target.pass)).toEqual([true, true, true, true, true, true, true]);
    const bad = judge(result({ shopThroughput: 23.9, answerMs: 251, cpu: { worker: 30, postgres: 6 }, pssGb: 1.1, serviceRps: 499, firstMs: 21_000, secondMs: 8_100 }));
    expect(bad.map((target) => target.pass)).toEqual([false, false, false, false, false, false, false]);
    expect(bad[0]!.limit).toBeCloseTo(24);
    expect(bad[3]!.limit).toBeCloseTo(250);
  });

  it('counts the shop and PostgreSQL, not Temporal, the simulator or the benchmark’s own processes', () => {
    expect(shopTotal({ worker: 20, postgres: 5, temporal: 100, 'payment-provider': 10, 'mail-server': 4, launcher: 3, 'floor-worker': 7, 'bare-catalog': 1, orders: 2 })).toBe(27);
  });

  it('draws each target as a share of its limit, 100 % when just met', () => {
    expect(shareOfTarget({ measured: 40, limit: 20, kind: 'min' })).toBe(200);
    expect(shareOfTarget({ measured: 70, limit: 35, kind: 'max' })).toBe(50);
  });
});

describe('the load', () => {
  it('takes percentiles by rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
  });

  it('runs each item once, at most `concurrency` at a time, and counts failures apart', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    const outcome = await runPhase(20, 3, async (index) => {
      running += 1;
      most = Math.max(most, running);
      seen.push(index);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      if (index % 5 === 0) throw new Error(`item ${index} failed`);
      return { latencyMs: index };
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index));
    expect(most).toBe(3);
    expect(outcome.failed).toBe(4);
    expect(outcome.errors).toContain('item 5 failed');
  });
});

describe('/proc', () => {
  it('reads this process: CPU, peak RSS, Pss, and finds its children', async () => {
    expect(cpuMs(process.pid)).toBeGreaterThan(0);
    expect(peakRssBytes(process.pid)).toBeGreaterThan(10 * 1024 ** 2);
    expect(pssBytes(process.pid)).toBeGreaterThan(0);
    expect(cpuMs(2 ** 22 + 1)).toBeUndefined();
    const mine = listProcesses().find((proc) => proc.pid === process.pid);
    expect(mine?.cmdline).toMatch(/node/);
    expect(descendants(mine!.ppid).map((proc) => proc.pid)).toContain(process.pid);
  });

  it('names the shop’s processes by their entry point, built or from the sources', () => {
    expect(partOf('/usr/bin/node /tmp/b/shop/dist/services/orders/main.js', '/tmp/b/shop')).toBe('orders');
    expect(partOf('node /tmp/b/shop/dist/simulators/payment-provider/main.js', '/tmp/b/shop')).toBe('payment-provider');
    expect(partOf('node --import tsx /tmp/b/shop/gateway/main.ts', '/tmp/b/shop')).toBe('gateway');
    expect(partOf('node --import tsx /tmp/b/shop/scripts/seed.ts', '/tmp/b/shop')).toBeUndefined();
    expect(partOf('node /tmp/other/dist/services/orders/main.js', '/tmp/b/shop')).toBeUndefined();
  });

  it('tells PostgreSQL backends serving the simulators or the bare handler from the shop’s', () => {
    expect(notForTheShop('postgres: postgres sim_payment_provider 127.0.0.1(40000) idle')).toBe(true);
    expect(notForTheShop(`postgres: ${BARE_CATALOG_ROLE} shop_catalog 127.0.0.1(40001) SELECT`)).toBe(true);
    expect(notForTheShop('postgres: postgres shop_catalog 127.0.0.1(40002) idle')).toBe(false);
    expect(notForTheShop('postgres: postgres shop_payments 127.0.0.1(40003) idle in transaction')).toBe(false);
    expect(notForTheShop('postgres: checkpointer ')).toBe(false);
  });
});

describe('CPU profiles', () => {
  it('sums self time by owner and function, inside the window only', () => {
    const profile = {
      startTime: 1000,
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: 'flush', url: 'file:///app/node_modules/@mikro-orm/core/unit.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: 'route', url: 'file:///app/dist/services/orders/routes.js', lineNumber: 0 } },
        { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      ],
      samples: [2, 2, 3, 4, 2],
      timeDeltas: [0, 1000, 1000, 1000, 1000],
    };
    const all = summariseProfile(profile);
    // A sample stands for the time until the next one; the idle one counts for nothing.
    expect(all.byOwner).toEqual([
      ['@mikro-orm/core', 2],
      ['ours: services/orders', 1],
    ]);
    expect(all.totalMs).toBe(3);
    const window = summariseProfile(profile, { startUs: 2500, endUs: 3500 });
    expect(window.byOwner).toEqual([['ours: services/orders', 1]]);
    expect(owner('node:internal/modules/cjs/loader', 'wrapSafe')).toBe('node (built-in modules)');
    expect(owner('', '(garbage collector)')).toBe('(garbage collector)');
  });
});
