/** No tfjs here, so UI code can import it. */

/** Mean normalised entropy of softmax(α) rows: 1 = uniform (nothing chosen yet), 0 = one op per edge. */
export function normalisedEntropy(rows: readonly (readonly number[])[]): number {
  if (rows.length === 0) return Number.NaN;
  const total = rows.reduce((sum, row) => {
    const h = row.reduce((acc, p) => (p > 0 ? acc - p * Math.log(p) : acc), 0);
    return sum + (row.length > 1 ? h / Math.log(row.length) : 0);
  }, 0);
  return total / rows.length;
}
