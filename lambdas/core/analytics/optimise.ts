/**
 * Nelder-Mead simplex minimisation. Derivative-free and robust to the flat, curved valleys of mixture-model
 * likelihoods; callers optimise log-parameters so positivity holds without constraints.
 */
export interface MinimiseOptions {
  readonly maxIterations?: number;
  /** stop when the simplex's function values and its size both fall below these */
  readonly fTolerance?: number;
  readonly xTolerance?: number;
  /** initial step per coordinate */
  readonly step?: number;
  /** full restarts from the best point found, to escape a collapsed simplex */
  readonly restarts?: number;
}

export interface MinimiseResult {
  readonly x: number[];
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: MinimiseOptions = {},
): MinimiseResult {
  const maxIterations = options.maxIterations ?? 5000;
  const fTol = options.fTolerance ?? 1e-10;
  const xTol = options.xTolerance ?? 1e-9;
  const step = options.step ?? 0.5;
  const restarts = options.restarts ?? 2;
  const safe = (x: readonly number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let best = { x: [...start], value: safe(start) };
  let iterations = 0;
  let evaluations = 1;
  let converged = false;
  for (let round = 0; round <= restarts; round++) {
    const n = best.x.length;
    // Adaptive coefficients (Gao and Han, 2012) behave better as the dimension grows.
    const alpha = 1;
    const beta = 1 + 2 / n;
    const gamma = 0.75 - 1 / (2 * n);
    const delta = 1 - 1 / n;
    let simplex = [best.x];
    for (let i = 0; i < n; i++) {
      const v = [...best.x];
      v[i] = v[i]! + step;
      simplex.push(v);
    }
    let values = simplex.map((v) => safe(v));
    evaluations += n;
    converged = false;
    for (let it = 0; it < maxIterations; it++) {
      iterations += 1;
      const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
      simplex = order.map(([, i]) => simplex[i]!);
      values = order.map(([v]) => v);
      const fBest = values[0]!;
      const fWorst = values[n]!;
      let size = 0;
      for (let i = 1; i <= n; i++) {
        for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(simplex[i]![j]! - simplex[0]![j]!));
      }
      if (Math.abs(fWorst - fBest) <= fTol * (Math.abs(fBest) + fTol) && size <= xTol) {
        converged = true;
        break;
      }
      const centroid = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]![j]! / n;
      const worst = simplex[n]!;
      const along = (t: number) => centroid.map((c, j) => c + t * (c - worst[j]!));
      const reflected = along(alpha);
      const fr = safe(reflected);
      evaluations += 1;
      if (fr < fBest) {
        const expanded = along(alpha * beta);
        const fe = safe(expanded);
        evaluations += 1;
        if (fe < fr) {
          simplex[n] = expanded;
          values[n] = fe;
        } else {
          simplex[n] = reflected;
          values[n] = fr;
        }
      } else if (fr < values[n - 1]!) {
        simplex[n] = reflected;
        values[n] = fr;
      } else {
        const outside = fr < fWorst;
        const contracted = along(outside ? alpha * gamma : -gamma);
        const fc = safe(contracted);
        evaluations += 1;
        if (fc < (outside ? fr : fWorst)) {
          simplex[n] = contracted;
          values[n] = fc;
        } else {
          for (let i = 1; i <= n; i++) {
            simplex[i] = simplex[i]!.map((v, j) => simplex[0]![j]! + delta * (v - simplex[0]![j]!));
            values[i] = safe(simplex[i]!);
          }
          evaluations += n;
        }
      }
    }
    const iBest = values.indexOf(Math.min(...values));
    const candidate = { x: simplex[iBest]!, value: values[iBest]! };
    const improved = candidate.value < best.value - fTol * (Math.abs(best.value) + fTol);
    if (candidate.value <= best.value) best = candidate;
    if (round > 0 && !improved) break;
  }
  return { x: best.x, value: best.value, iterations, evaluations, converged };
}
