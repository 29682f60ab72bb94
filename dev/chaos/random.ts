/**
 * Seeded randomness for the chaos run, so that a failing run can be repeated:
 * the same seed gives the same schedule of faults and the same shoppers'
 * choices. Each actor (the fault schedule, each shopper) draws from its own
 * stream, so one actor's draws never shift another's when timings differ.
 */
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

export class Random {
  private readonly generator: RandomGenerator;

  constructor(seed: number, stream = 0) {
    // Distinct, well-spread seeds per stream (the golden-ratio increment of splitmix).
    this.generator = xoroshiro128plus((seed + Math.imul(stream, 0x9e3779b9)) | 0);
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.generator);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.int(0, 999_999) < p * 1_000_000;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('nothing to pick from');
    return items[this.int(0, items.length - 1)]!;
  }

  /** One of the keys, with the probability of its weight among all the weights. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.int(0, Math.max(0, Math.round(total * 1000) - 1)) / 1000;
    for (const [key, weight] of entries) {
      if (draw < weight) return key;
      draw -= weight;
    }
    return entries[entries.length - 1]![0];
  }

  /** A duration in [min, max] milliseconds. */
  between(minMs: number, maxMs: number): number {
    return this.int(Math.round(minMs), Math.round(maxMs));
  }
}
