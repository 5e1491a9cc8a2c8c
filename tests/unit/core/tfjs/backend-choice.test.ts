import { describe, expect, it } from 'vitest';
import { chooseBackend, SOFTWARE_MARGIN } from '../../../../src/core/tfjs/backend-choice';
import type { BackendName, BackendTiming } from '../../../../src/core/types';

function timing(backend: BackendName, samplesPerSecond: number, extra: Partial<BackendTiming> = {}): BackendTiming {
  return { backend, error: '', samplesPerSecond, stepMs: 32_000 / samplesPerSecond, warmupMs: 10, steps: 3, isSoftware: false, threads: backend === 'wasm' ? 2 : null, ...extra };
}
const failed = (backend: BackendName, error = 'not available in this environment') => timing(backend, 0, { error, steps: 0 });
const software = (backend: BackendName, sps: number) => timing(backend, sps, { isSoftware: true });

describe('chooseBackend', () => {
  it('picks the fastest backend that trained', () => {
    const choice = chooseBackend([timing('wasm', 600), timing('webgpu', 5000), timing('webgl', 900), timing('cpu', 30)]);
    expect(choice?.chosen).toBe('webgpu');
    expect(choice?.reason).toMatch(/^webgpu: 5000 samples\/s, 5\.6× webgl\.$/);
  });

  it('picks wasm over the software adapters measured on a SwiftShader machine', () => {
    const choice = chooseBackend([timing('wasm', 602), software('webgpu', 16.8), software('webgl', 48.1), timing('cpu', 29.9)]);
    expect(choice).toEqual({ chosen: 'wasm', reason: 'wasm: 602 samples/s, 12.5× webgl (software).' });
  });

  it('never lets a software GPU beat a faster wasm, nor one it beats by less than the margin', () => {
    for (const ratio of [0.5, 0.99, 1, 1.2, SOFTWARE_MARGIN * 0.9]) {
      const choice = chooseBackend([timing('wasm', 100), software('webgpu', 100 * ratio)]);
      expect(choice?.chosen, `software at ${ratio}× wasm`).toBe('wasm');
    }
    const near = chooseBackend([timing('wasm', 100), software('webgl', 130)]);
    expect(near?.reason).toContain('webgl (software) measured 1.30× faster, under the 1.5× a software GPU needs');
  });

  it('lets a software GPU win only when it is clearly faster, or when nothing else trained', () => {
    expect(chooseBackend([timing('wasm', 100), software('webgpu', 100 * SOFTWARE_MARGIN * 1.2)])?.chosen).toBe('webgpu');
    expect(chooseBackend([failed('wasm'), software('webgl', 40), timing('cpu', 60)])?.chosen).toBe('cpu');
    expect(chooseBackend([failed('wasm'), software('webgl', 40), failed('cpu')])).toEqual({
      chosen: 'webgl',
      reason: 'webgl (software) was the only backend that trained (40.0 samples/s).',
    });
  });

  it('ignores backends that failed or report no usable speed', () => {
    const choice = chooseBackend([failed('webgpu', 'failed to initialise'), timing('webgl', Number.NaN), timing('wasm', 0), timing('cpu', 12)]);
    expect(choice?.chosen).toBe('cpu');
    expect(chooseBackend([failed('webgpu'), failed('wasm')])).toBeNull();
    expect(chooseBackend([])).toBeNull();
  });

  it('breaks near ties towards hardware and the preferred order, and says so', () => {
    const tie = chooseBackend([timing('cpu', 101), timing('wasm', 100)]);
    expect(tie?.chosen).toBe('wasm');
    expect(tie?.reason).toContain('a tie');
    expect(chooseBackend([timing('wasm', 100), timing('webgpu', 98)])?.chosen).toBe('webgpu');
  });
});
