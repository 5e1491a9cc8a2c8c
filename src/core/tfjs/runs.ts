/** Typed arrays the heap kernels copy between. */
type Values = Float32Array | Int32Array | Uint8Array;

/** Below this many elements a run is copied by a loop: a subarray per run costs more than the copy. */
const SHORT_RUN = 64;

/** Copies `run` elements from src[from] to dst[to]: by a loop when short, else by one set. */
export function copyRun(dst: Values, to: number, src: Values, from: number, run: number): void {
  if (run >= SHORT_RUN) dst.set(src.subarray(from, from + run), to);
  else for (let e = 0; e < run; e++) dst[to + e] = src[from + e];
}

/**
 * Visits the runs of a walk over the outer dimensions 0..last−1 of `extent` (an odometer,
 * innermost dimension first): `visit(offset, i)` for run i = 0, 1, …, where `offset` starts at
 * `first` and moves by `strides` (of the strided tensor) while i counts the runs of the dense one.
 */
export function forEachRun(extent: readonly number[], strides: readonly number[], last: number, first: number, visit: (offset: number, i: number) => void): void {
  const runs = extent.slice(0, last).reduce((a, b) => a * b, 1);
  const index = new Array<number>(last).fill(0);
  let offset = first;
  for (let i = 0; i < runs; i++) {
    visit(offset, i);
    for (let d = last - 1; d >= 0; d--) {
      offset += strides[d];
      if (++index[d] < extent[d]) break;
      offset -= extent[d] * strides[d];
      index[d] = 0;
    }
  }
}
