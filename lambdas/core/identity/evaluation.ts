/** Accuracy of a clustering against the truth: pairwise and B-cubed precision, recall and F1. */
export interface Scores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * `predicted` and `truth` map each record id to its cluster label. Pairwise counts every pair of records
 * inside a predicted cluster; B-cubed averages per record the overlap of its predicted and true clusters.
 */
export function evaluateClusters(
  predicted: ReadonlyMap<string, string>,
  truth: ReadonlyMap<string, string>,
): { pairwise: Scores; bcubed: Scores; clusters: number } {
  const joint = new Map<string, number>();
  const predSize = new Map<string, number>();
  const trueSize = new Map<string, number>();
  for (const [id, p] of predicted) {
    const t = truth.get(id);
    if (t === undefined) throw new Error(`record ${id} has no true cluster`);
    const key = `${p}\u0000${t}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    predSize.set(p, (predSize.get(p) ?? 0) + 1);
    trueSize.set(t, (trueSize.get(t) ?? 0) + 1);
  }
  let tp = 0;
  for (const n of joint.values()) tp += pairs(n);
  let predPairs = 0;
  for (const n of predSize.values()) predPairs += pairs(n);
  let truePairs = 0;
  for (const n of trueSize.values()) truePairs += pairs(n);
  const pp = predPairs === 0 ? 1 : tp / predPairs;
  const pr = truePairs === 0 ? 1 : tp / truePairs;

  let bp = 0;
  let br = 0;
  for (const [key, n] of joint) {
    const [p, t] = key.split('\u0000') as [string, string];
    // each of the n records in this cell contributes n/|pred| and n/|true|
    bp += (n * n) / predSize.get(p)!;
    br += (n * n) / trueSize.get(t)!;
  }
  const total = predicted.size;
  const bP = total === 0 ? 1 : bp / total;
  const bR = total === 0 ? 1 : br / total;
  return {
    pairwise: { precision: pp, recall: pr, f1: f1(pp, pr) },
    bcubed: { precision: bP, recall: bR, f1: f1(bP, bR) },
    clusters: predSize.size,
  };
}

import { ATTRIBUTE_NAMES, type AttributeName, type IdentityAttributes } from './normalise.js';

/** `givenName=given_name,familyName=surname` -> { givenName: 'given_name', ... }, checked against the canonical names. */
export function parseColumnMap(spec: string): Partial<Record<AttributeName, string>> {
  const out: Partial<Record<AttributeName, string>> = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const column = part.slice(eq + 1).trim();
    if (eq <= 0 || column === '') throw new Error(`--map entry "${part}" is not attribute=column`);
    if (!(ATTRIBUTE_NAMES as readonly string[]).includes(name)) {
      throw new Error(`--map names unknown attribute "${name}"; known: ${ATTRIBUTE_NAMES.join(', ')}`);
    }
    out[name as AttributeName] = column;
  }
  return out;
}

export function attributesFromRow(
  row: Readonly<Record<string, string>>,
  map: Partial<Record<AttributeName, string>>,
): IdentityAttributes {
  const out: Record<string, string> = {};
  for (const [name, column] of Object.entries(map)) {
    const value = row[column!];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out as IdentityAttributes;
}
