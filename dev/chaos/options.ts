/**
 * The chaos run's command line:
 *   npm run chaos -- [--kills 100] [--minutes 20] [--seed N] [--shoppers 4]
 *                    [--interval-seconds 4] [--settle-minutes 10] [--out DIR] [--json]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface ChaosOptions {
  /** The faults stop once this many processes were killed (parts and Temporal)... */
  kills: number;
  /** ...or after this long, whichever comes first. */
  faultPhaseMs: number;
  seed: number;
  /** Shoppers checking out side by side, each one checkout after another. */
  shoppers: number;
  /** The mean pause between two faults (each pause is drawn between half and one and a half of it). */
  faultIntervalMs: number;
  /** How long every checkout may take to end once the faults stopped, and the background work to settle. */
  settleMs: number;
  /** Logs of every part, the report and the histories that failed to replay. */
  outDir: string;
  json: boolean;
}

export const USAGE = `npm run chaos -- [options]
  --kills N             stop the faults after N kills (default 100)
  --minutes M           ... or after M minutes of faults (default 20)
  --seed N              repeat a run's schedule of faults and shoppers' choices (default: random, printed)
  --shoppers N          shoppers checking out side by side (default 4)
  --interval-seconds S  mean pause between two faults (default 4)
  --settle-minutes M    how long the checkouts may take to end after the faults (default 10)
  --out DIR             logs, report and histories (default .data/chaos/<time>-seed<N>)
  --json                print the report as JSON on stdout (progress goes to stderr)`;

function positive(name: string, text: string | undefined, fallback: number, { whole = false } = {}): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
    throw new Error(`--${name} must be a positive ${whole ? 'whole number' : 'number'}, not "${text}"`);
  }
  return value;
}

export function parseChaosOptions(argv: string[], projectRoot: string, now = new Date()): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      kills: { type: 'string' },
      minutes: { type: 'string' },
      seed: { type: 'string' },
      shoppers: { type: 'string' },
      'interval-seconds': { type: 'string' },
      'settle-minutes': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  let seed: number;
  if (values.seed === undefined) seed = Math.floor(Math.random() * 2 ** 31);
  else {
    seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 31) throw new Error(`--seed must be a whole number from 0 to ${2 ** 31 - 1}, not "${values.seed}"`);
  }
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return {
    kills: positive('kills', values.kills, 100, { whole: true }),
    faultPhaseMs: positive('minutes', values.minutes, 20) * 60_000,
    seed,
    shoppers: positive('shoppers', values.shoppers, 4, { whole: true }),
    faultIntervalMs: positive('interval-seconds', values['interval-seconds'], 4) * 1000,
    settleMs: positive('settle-minutes', values['settle-minutes'], 10) * 60_000,
    outDir: path.resolve(values.out ?? path.join(projectRoot, '.data', 'chaos', `${stamp}-seed${seed}`)),
    json: values.json,
  };
}
