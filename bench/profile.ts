/**
 * Where each process's CPU went: reads the V8 CPU profiles `node --cpu-prof`
 * wrote (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile), keeps the samples
 * taken inside a time window (the load phase; V8's clock is the same monotonic
 * clock as process.hrtime), and sums self time by package and by function.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** What a frame belongs to: a package from node_modules, Node itself, V8's own work, or our code. */
export function owner(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (built-in modules)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const dist = url.lastIndexOf('/dist/');
  const file = dist >= 0 ? url.slice(dist + '/dist/'.length) : path.basename(url);
  return `ours: ${file.split('/').slice(0, -1).join('/') || file}`;
}

export interface ProfileSummary {
  totalMs: number;
  byOwner: [string, number][];
  byFunction: [string, number][];
}

/** Self time (ms) inside [startUs, endUs], by owner and by function. */
export function summariseProfile(profile: CpuProfile, window?: { startUs: number; endUs: number }): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let time = profile.startTime;
  let totalUs = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    time += profile.timeDeltas[index] ?? 0;
    // A sample stands for the time until the next one.
    const weight = profile.timeDeltas[index + 1] ?? 0;
    if (window && (time < window.startUs || time > window.endUs)) continue;
    const node = nodes.get(profile.samples[index]!);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const who = owner(url, functionName);
    byOwner.set(who, (byOwner.get(who) ?? 0) + weight);
    const where = url ? `${path.basename(url)}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'} ${where} [${who}]`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + weight);
    totalUs += weight;
  }
  const top = (map: Map<string, number>, count: number) =>
    [...map]
      .sort(([, a], [, b]) => b - a)
      .slice(0, count)
      .map(([key, us]): [string, number] => [key, us / 1000]);
  return { totalMs: totalUs / 1000, byOwner: top(byOwner, 12), byFunction: top(byFunction, 15) };
}

/** The profiles in `dir` of the processes named in `parts` (pid → part), summarised as text. */
export function summariseProfiles(dir: string, parts: Map<number, string>, window?: { startUs: number; endUs: number }): string {
  const lines: string[] = [];
  const summaries: { part: string; summary: ProfileSummary }[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
    const pid = Number(file.split('.')[3]);
    const part = parts.get(pid);
    if (!part) continue;
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    summaries.push({ part, summary: summariseProfile(profile, window) });
  }
  summaries.sort((a, b) => b.summary.totalMs - a.summary.totalMs);
  for (const { part, summary } of summaries) {
    lines.push(`${part}: ${summary.totalMs.toFixed(0)} ms on the CPU in the window`);
    lines.push(`  by owner:    ${summary.byOwner.map(([who, ms]) => `${who} ${((100 * ms) / summary.totalMs).toFixed(0)}%`).join(', ')}`);
    lines.push('  top functions (self time):');
    for (const [name, ms] of summary.byFunction.slice(0, 10)) lines.push(`    ${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%  ${name}`);
  }
  return lines.join('\n');
}
