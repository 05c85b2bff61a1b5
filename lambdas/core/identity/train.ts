/**
 * Fits the Fellegi-Sunter parameters from the retailer's own records, without labels: u from random pairs
 * (almost all of which are different people), m by expectation-maximisation over blocked candidate pairs.
 */
import { blockingKeys } from './blocking.js';
import {
  COMPARISON_LEVELS,
  COMPARISONS,
  type ComparisonName,
  type ComparisonVector,
  compareRecords,
  type LevelParameters,
  type ModelParameters,
} from './model.js';
import type { NormalisedAttributes } from './normalise.js';

export interface TrainingOptions {
  readonly randomPairs?: number;
  readonly maxBlockSize?: number;
  readonly iterations?: number;
  readonly seed?: number;
}

export interface TrainingResult {
  readonly model: ModelParameters;
  /** Estimated share of blocked pairs that are the same person. */
  readonly matchShare: number;
  readonly candidatePairs: number;
  readonly randomPairs: number;
  readonly iterations: number;
}

/** Mulberry32: a small seeded generator so training is reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FLOOR = 1e-6;
const PRIOR_PAIRS = 20;

function normalise(counts: Record<string, number>, levels: readonly string[]): Record<string, number> {
  const total = levels.reduce((s, l) => s + (counts[l] ?? 0), 0);
  const out: Record<string, number> = {};
  for (const l of levels) out[l] = Math.max(FLOOR, total === 0 ? 0 : (counts[l] ?? 0) / total);
  return out;
}

export function trainModel(
  records: readonly NormalisedAttributes[],
  base: ModelParameters,
  options: TrainingOptions = {},
): TrainingResult {
  const rand = random(options.seed ?? 42);
  const randomPairs = Math.min(options.randomPairs ?? 200_000, (records.length * (records.length - 1)) / 2);
  // u: level frequencies among random pairs
  const uCounts = Object.fromEntries(COMPARISONS.map((c) => [c, {} as Record<string, number>])) as Record<
    ComparisonName,
    Record<string, number>
  >;
  for (let i = 0; i < randomPairs; i++) {
    const a = records[Math.floor(rand() * records.length)]!;
    const b = records[Math.floor(rand() * records.length)]!;
    if (a === b) continue;
    const { vector } = compareRecords(a, b);
    for (const [c, level] of Object.entries(vector) as [ComparisonName, string][]) {
      uCounts[c][level] = (uCounts[c][level] ?? 0) + 1;
    }
  }

  // Candidate pairs from the blocks, each once.
  const maxBlock = options.maxBlockSize ?? 60;
  const blocks = new Map<string, number[]>();
  records.forEach((r, i) => {
    for (const key of blockingKeys(r)) {
      const list = blocks.get(key) ?? [];
      if (list.length < maxBlock) list.push(i);
      blocks.set(key, list);
    }
  });
  const seen = new Set<number>();
  const vectors: ComparisonVector[] = [];
  for (const list of blocks.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const i = list[x]!;
        const j = list[y]!;
        const id = i < j ? i * records.length + j : j * records.length + i;
        if (seen.has(id)) continue;
        seen.add(id);
        vectors.push(compareRecords(records[i]!, records[j]!).vector);
      }
    }
  }

  const u = Object.fromEntries(
    COMPARISONS.map((c) => {
      const levels = COMPARISON_LEVELS[c] as readonly string[];
      const counted = Object.values(uCounts[c]).reduce((s, n) => s + n, 0);
      // Too few comparable random pairs to say anything: keep the shipped u.
      if (counted < 100) return [c, Object.fromEntries(levels.map((l) => [l, base.levels[c][l]!.u]))];
      return [c, normalise(uCounts[c], levels)];
    }),
  ) as Record<ComparisonName, Record<string, number>>;
  const m = Object.fromEntries(
    COMPARISONS.map((c) => [c, Object.fromEntries(Object.entries(base.levels[c]).map(([l, p]) => [l, p.m]))]),
  ) as Record<ComparisonName, Record<string, number>>;

  let lambda = 0.1;
  const iterations = options.iterations ?? 25;
  let done = 0;
  for (; done < iterations && vectors.length > 0; done++) {
    const mCounts = Object.fromEntries(COMPARISONS.map((c) => [c, {} as Record<string, number>])) as Record<
      ComparisonName,
      Record<string, number>
    >;
    let sumP = 0;
    for (const v of vectors) {
      let logRatio = Math.log(lambda / (1 - lambda));
      for (const [c, level] of Object.entries(v) as [ComparisonName, string][]) {
        logRatio += Math.log(m[c][level]! / u[c][level]!);
      }
      const p = 1 / (1 + Math.exp(-logRatio));
      sumP += p;
      for (const [c, level] of Object.entries(v) as [ComparisonName, string][]) {
        mCounts[c][level] = (mCounts[c][level] ?? 0) + p;
      }
    }
    let change = Math.abs(sumP / vectors.length - lambda);
    lambda = Math.min(0.999, Math.max(1e-6, sumP / vectors.length));
    for (const c of COMPARISONS) {
      const counted = Object.values(mCounts[c]).reduce((s, n) => s + n, 0);
      if (counted < 5) continue; // not enough matched pairs carry this attribute: keep the prior m
      // Dirichlet prior of a few pseudo-pairs at the shipped m, so a level the data never shows among
      // matches (nicknames in a data set without any) keeps a sensible weight instead of a huge penalty.
      const next: Record<string, number> = {};
      for (const l of COMPARISON_LEVELS[c] as readonly string[]) {
        next[l] = ((mCounts[c][l] ?? 0) + PRIOR_PAIRS * base.levels[c][l]!.m) / (counted + PRIOR_PAIRS);
      }
      for (const l of Object.keys(next)) change = Math.max(change, Math.abs(next[l]! - m[c][l]!));
      m[c] = next;
    }
    if (change < 1e-4) {
      done++;
      break;
    }
  }

  const levels = Object.fromEntries(
    COMPARISONS.map((c) => [
      c,
      Object.fromEntries(
        (COMPARISON_LEVELS[c] as readonly string[]).map((l) => [
          l,
          { m: m[c][l]!, u: u[c][l]! } satisfies LevelParameters,
        ]),
      ),
    ]),
  ) as ModelParameters['levels'];
  return {
    model: { version: 1, origin: `trained by EM on ${records.length} records`, levels },
    matchShare: lambda,
    candidatePairs: vectors.length,
    randomPairs,
    iterations: done,
  };
}

/** Reads parameters written by `tessera identity train`, checking every level is there. */
export function parseModelParameters(json: unknown): ModelParameters {
  const value = json as ModelParameters;
  if (
    value === null ||
    typeof value !== 'object' ||
    value.version !== 1 ||
    typeof value.levels !== 'object'
  ) {
    throw new Error('model file is not Tessera identity model parameters (version 1)');
  }
  for (const c of COMPARISONS) {
    for (const l of COMPARISON_LEVELS[c]) {
      const p = value.levels[c]?.[l];
      if (!p || !(p.m > 0 && p.m <= 1) || !(p.u > 0 && p.u <= 1)) {
        throw new Error(`model file has no valid m and u for ${c}.${l}`);
      }
    }
  }
  return value;
}
