/**
 * Precision and recall of segments against known labels (the demo retailer's truth), for the benchmark.
 */
export interface Confusion {
  readonly predicted: number;
  readonly actual: number;
  readonly truePositives: number;
  readonly precision: number;
  readonly recall: number;
}

export function confusion(predicted: ReadonlySet<string>, actual: ReadonlySet<string>): Confusion {
  let tp = 0;
  for (const id of predicted) if (actual.has(id)) tp += 1;
  return {
    predicted: predicted.size,
    actual: actual.size,
    truePositives: tp,
    precision: predicted.size > 0 ? tp / predicted.size : 0,
    recall: actual.size > 0 ? tp / actual.size : 0,
  };
}
