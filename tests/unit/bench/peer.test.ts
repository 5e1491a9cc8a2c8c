import { describe, expect, it } from 'vitest';
import { evaluateGoals } from '../../../bench/goals';
import { median, parsePeerLine, peerConfigsFor, runPeer, spread, DEFAULT_PEER, type PeerRun } from '../../../bench/peer';
import { peerComparisons, type BenchResults } from '../../../bench/report';
import type { ModelBench } from '../../../bench/suite';
import type { SearchTiming } from '../../../bench/workload';

const timing = (preset: 'paper' | 'lite', samplesPerSecond: number): SearchTiming => ({ preset, warmupEpochs: 1, timedEpochs: 1, samplesPerEpoch: 256, samplesPerSecond, epochMs: [1000], tensorsAfterFirst: 1, tensorsAfterLast: 1, peakBytes: 0, firstEpochMs: 0, firstEpochEndAt: 0 });
const model = (search: SearchTiming[]): ModelBench => ({ model: 'mnist-cnn', blockIndex: 2, blockName: 'conv unit 2', blockInputShape: [14, 14, 16], cacheMs: 0, macs: {}, search, leak: null, caching: null, localization: null });
const peerRow = (beside: string, preset: 'paper' | 'lite', threads: number, runs: number[], unavailable = ''): PeerRun => ({ beside, preset, perSplit: 128, threads, runs, samplesPerSecond: runs.length ? median(runs) : null, secondsPerEpoch: null, loadAverage: [1, 1, 1], unavailable });
const results = (peer: PeerRun[]): Pick<BenchResults, 'node' | 'browser' | 'peer'> => ({
  node: [{ runtime: 'node', backend: 'wasm', wasmSimd: true, wasmThreads: false, threads: 1, models: [model([timing('paper', 200), timing('lite', 500)])] }],
  browser: [],
  peer,
});

describe('PyTorch peer (bench/peer.ts)', () => {
  it('parses the peer script line, takes medians and spreads', () => {
    expect(parsePeerLine('torch cpu search epoch mnist-cnn conv unit 2 preset=lite N=128 threads=2: 420.7 samples/s (0.61 s/epoch)\n')).toEqual({ threads: 2, samplesPerSecond: 420.7, secondsPerEpoch: 0.61 });
    expect(parsePeerLine('Traceback (most recent call last):')).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(spread([100, 200, 150])).toBe(2);
    expect(peerConfigsFor(['paper', 'lite'], 128, 2)).toEqual([{ preset: 'paper', perSplit: 128, threads: 2 }, { preset: 'lite', perSplit: 128, threads: 2 }]);
  });

  it('without torch the rows say how to get it and nothing throws', async () => {
    const lines: string[] = [];
    const noPython = await runPeer([{ preset: 'lite', perSplit: 64, threads: 1 }], 'node wasm', { ...DEFAULT_PEER, python: '/nonexistent/python3', script: 'package.json' }, (l) => lines.push(l));
    expect(noPython[0].samplesPerSecond).toBeNull();
    expect(noPython[0].unavailable).toContain('apt-get install -y python3-torch');
    // A Python that cannot import torch (here: one that always fails).
    const noTorch = await runPeer([{ preset: 'lite', perSplit: 64, threads: 1 }], 'node wasm', { ...DEFAULT_PEER, python: '/bin/false', script: 'package.json' }, (l) => lines.push(l));
    expect(noTorch[0].unavailable).toBe('peer unavailable: apt-get install -y python3-torch');
    const noScript = await runPeer([{ preset: 'lite', perSplit: 64, threads: 1 }], 'node wasm', { ...DEFAULT_PEER, script: '/nonexistent/peer.py' }, (l) => lines.push(l));
    expect(noScript[0].unavailable).toContain('not found');
    expect(lines).toHaveLength(3);
  });

  it('pairs each lab row with the peer run beside it and reports the ratio goal', () => {
    const r = results([peerRow('node wasm', 'paper', 1, [800, 790, 810]), peerRow('node wasm', 'lite', 1, [1000, 1010, 990])]);
    const c = peerComparisons(r);
    expect(c.map((x) => [x.preset, x.ratio])).toEqual([['paper', 0.25], ['lite', 0.5]]);
    const goal = evaluateGoals(r).find((g) => g.name.startsWith('Node best CPU backend'))!;
    expect(goal.value).toBe(0.25);
    expect(goal.isMet).toBe(false);
    expect(evaluateGoals(r).find((g) => g.name.startsWith('Chromium best CPU backend'))!.isMet).toBeNull();
  });

  it('leaves the goal unsettled when the peer runs disagree, and names the fix when torch is missing', () => {
    const unstable = evaluateGoals(results([peerRow('node wasm', 'paper', 1, [800, 100, 790]), peerRow('node wasm', 'lite', 1, [1000, 1000, 1000])])).find((g) => g.name.startsWith('Node'))!;
    expect(unstable.isMet).toBeNull();
    expect(unstable.detail).toContain('not settled');
    const missing = evaluateGoals(results([peerRow('node wasm', 'paper', 1, [], 'peer unavailable: apt-get install -y python3-torch'), peerRow('node wasm', 'lite', 1, [], 'peer unavailable: apt-get install -y python3-torch')])).find((g) => g.name.startsWith('Node'))!;
    expect(missing.value).toBeNull();
    expect(missing.detail).toBe('peer unavailable: apt-get install -y python3-torch');
  });
});
