import type { BackendName, BackendTiming } from '../types';

/**
 * How much faster than the best non-software backend a software GPU (SwiftShader, llvmpipe) must
 * be before it is picked: its timings are noisy and its first real workloads compile slowly, so
 * a near tie goes to the CPU path.
 */
export const SOFTWARE_MARGIN = 1.5;

/** Among near-equal scores (within this fraction) hardware wins, then the earlier backend of TIE_ORDER. */
const TIE_FRACTION = 0.05;
const TIE_ORDER: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export interface BackendChoice {
  chosen: BackendName;
  reason: string;
}

const label = (t: BackendTiming) => `${t.backend}${t.isSoftware ? ' (software)' : ''}`;
const speed = (sps: number) => `${sps >= 100 ? sps.toFixed(0) : sps.toFixed(1)} samples/s`;

/**
 * Picks the fastest backend from calibration timings. A software adapter's speed is divided by
 * SOFTWARE_MARGIN before comparing, so it never beats a faster (or only slightly slower) wasm.
 * Returns null when no backend ran.
 */
export function chooseBackend(timings: readonly BackendTiming[]): BackendChoice | null {
  const usable = timings.filter((t) => t.error === '' && Number.isFinite(t.samplesPerSecond) && t.samplesPerSecond > 0);
  if (usable.length === 0) return null;
  const hasHardwareRival = usable.some((t) => !t.isSoftware);
  const score = (t: BackendTiming) => (t.isSoftware && hasHardwareRival ? t.samplesPerSecond / SOFTWARE_MARGIN : t.samplesPerSecond);
  const top = Math.max(...usable.map(score));
  const nearTop = usable.filter((t) => score(t) >= top * (1 - TIE_FRACTION));
  nearTop.sort((a, b) => Number(a.isSoftware) - Number(b.isSoftware) || TIE_ORDER.indexOf(a.backend) - TIE_ORDER.indexOf(b.backend));
  const winner = nearTop[0];
  const others = usable.filter((t) => t !== winner).sort((a, b) => b.samplesPerSecond - a.samplesPerSecond);
  if (others.length === 0) return { chosen: winner.backend, reason: `${label(winner)} was the only backend that trained (${speed(winner.samplesPerSecond)}).` };
  const runnerUp = others[0];
  const ratio = winner.samplesPerSecond / runnerUp.samplesPerSecond;
  const head = `${label(winner)}: ${speed(winner.samplesPerSecond)}`;
  if (ratio >= 1) return { chosen: winner.backend, reason: `${head}, ${ratio.toFixed(1)}× ${label(runnerUp)}.` };
  const why = runnerUp.isSoftware && hasHardwareRival ? `under the ${SOFTWARE_MARGIN}× a software GPU needs to be picked` : 'a tie, so the preferred one';
  return { chosen: winner.backend, reason: `${head}; ${label(runnerUp)} measured ${(1 / ratio).toFixed(2)}× faster, ${why}.` };
}
