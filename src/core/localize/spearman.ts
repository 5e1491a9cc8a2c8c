/** Ranks of `values` (1 = smallest); tied values share the mean of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end++;
    const mean = (start + end) / 2 + 1;
    for (let j = start; j <= end; j++) ranks[order[j][1]] = mean;
    start = end + 1;
  }
  return ranks;
}

/** Pearson correlation in [-1, 1]; null when either vector is constant or shorter than 2. */
export function pearson(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length) throw new Error(`pearson: lengths differ (${a.length} vs ${b.length})`);
  const n = a.length;
  if (n < 2) return null;
  const meanA = a.reduce((s, v) => s + v, 0) / n;
  const meanB = b.reduce((s, v) => s + v, 0) / n;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i] - meanA) * (b[i] - meanB);
    varA += (a[i] - meanA) ** 2;
    varB += (b[i] - meanB) ** 2;
  }
  return varA > 0 && varB > 0 ? cov / Math.sqrt(varA * varB) : null;
}

/**
 * Spearman rank correlation in [-1, 1]: Pearson over average ranks (correct with ties);
 * null when either vector is constant (no ranking to compare).
 */
export function spearman(a: readonly number[], b: readonly number[]): number | null {
  return pearson(averageRanks(a), averageRanks(b));
}
