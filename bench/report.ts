/** bench.json's shape and its Markdown rendering (tables, machine, goals as ratios). */
import type { PresetName } from '../src/core/search/presets';
import type { BrowserBenchResult } from './browser/protocol';
import type { NodeBackendBench } from './node';
import { PEER_BLOCK, PEER_MODEL, REFERENCE_SUFFIX, UNSTABLE_SPREAD, spread, type PeerRun } from './peer';
import type { ModelBench } from './suite';
import type { WorkshopTiming } from './workshop';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  tfjs: string;
  /** PyTorch version of the peer; null when it did not run. */
  torch?: string | null;
  chromium: string | null;
  loadAverageStart: number[];
  loadAverageEnd: number[];
  platform: string;
}

/** One goal: measured value, target, whether it is met, and how it was computed. */
export interface GoalResult {
  name: string;
  value: number | null;
  target: string;
  isMet: boolean | null;
  detail: string;
}

export interface BenchResults {
  version: 1;
  createdAt: string;
  command: string;
  totalSeconds: number;
  machine: MachineInfo;
  node: NodeBackendBench[];
  browser: BrowserBenchResult[];
  /** The PyTorch peer's rows, each measured right after the lab rows it sits beside. */
  peer: PeerRun[];
  goals: GoalResult[];
}

/** A backend's results in one flat shape (Node or Chromium). */
export interface BackendRow {
  runtime: 'node' | 'chromium';
  backend: string;
  note: string;
  /** Threads it computed on (null for GPU backends). */
  threads: number | null;
  models: ModelBench[];
  workshop: WorkshopTiming | null;
  timeToFirstEpochMs: number | null;
}

export function backendRows(r: Pick<BenchResults, 'node' | 'browser'>): BackendRow[] {
  const wasmNote = (simd: boolean | null, threads: boolean | null) => (simd === null ? '' : `SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`);
  return [
    ...r.node.map((n) => ({ runtime: 'node' as const, backend: n.backend, note: wasmNote(n.wasmSimd, n.wasmThreads), threads: n.threads ?? 1, models: n.models, workshop: null, timeToFirstEpochMs: null })),
    ...r.browser.map((b) => ({
      runtime: 'chromium' as const,
      backend: b.backend,
      note: b.skipped ? `not run: ${b.skipped}` : [b.adapter, wasmNote(b.wasmSimd, b.wasmThreads)].filter(Boolean).join('; '),
      threads: b.threads ?? null,
      models: b.models,
      workshop: b.workshop,
      timeToFirstEpochMs: b.timeToFirstEpochMs,
    })),
  ];
}

const f = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const s = (ms: number | null | undefined, digits = 1): string => f(ms === null || ms === undefined ? null : ms / 1000, digits);
const mega = (v: number): string => (v / 1e6).toFixed(2);

/** Approximate GFLOP/s: training samples cost 3 forwards (forward, input grad, weight grad), 2 FLOP per MAC. */
export function gflops(samplesPerSecond: number, forwardMacs: number): number {
  return (samplesPerSecond * 3 * 2 * forwardMacs) / 1e9;
}

/** Forward MACs of the trained path per sample: cell + suffix (the prefix is cached). */
export function trainedMacs(models: ModelBench[], model: string, preset: PresetName): number | null {
  const m = models.find((x) => x.model === model)?.macs[preset];
  return m ? m.cell + m.suffix : null;
}

/** The whole Markdown report. `macsFrom` holds the MAC counts (any backend's ModelBench list that has them). */
export function renderMarkdown(r: BenchResults, macsFrom: ModelBench[]): string {
  const rows = backendRows(r);
  const m = r.machine;
  const out: string[] = [];
  out.push(`Command: \`${r.command}\` (${r.createdAt}, ${f(r.totalSeconds, 0)} s in all)`);
  out.push('');
  out.push(`Machine: ${m.cores} × ${m.cpuModel}, ${f(m.memoryGiB, 0)} GiB, ${m.platform}; Node ${m.node}; tfjs ${m.tfjs};${m.torch ? ` PyTorch ${m.torch} (peer);` : ''} ${m.chromium ? `Chromium ${m.chromium} (headless, Debian)` : 'Chromium not run'}; load average ${m.loadAverageStart.map((l) => f(l)).join('/')} at start, ${m.loadAverageEnd.map((l) => f(l)).join('/')} at end (1/5/15 min).`);
  out.push('');
  out.push('### Goals');
  out.push('');
  out.push('| goal | measured | target | met | how |\n|---|---|---|---|---|');
  for (const g of r.goals) out.push(`| ${g.name} | ${g.value === null ? '–' : f(g.value, 2)} | ${g.target} | ${g.isMet === null ? 'not measured' : g.isMet ? 'yes' : '**no**'} | ${g.detail} |`);
  out.push('');
  out.push('### Search epoch throughput');
  out.push('');
  out.push('samples/s = training examples (S_α + S_w batches) per second of epoch wall time, as EpochMetrics reports it (the end-of-epoch inference pass over S_w, S_α and validation included). GFLOP/s ≈ samples/s × 3 × 2 × forward MACs (cell + suffix); a lower bound, since the inference pass is not counted.');
  out.push('');
  out.push('"CPU-time samples/s" (Node only) counts the same samples per second of this process\'s CPU time: for a one-thread backend it moves much less than wall time when other jobs share the machine; compare it only within one runtime and backend.');
  out.push('');
  out.push('| runtime | backend | model (block) | preset | per split | warm-up + timed epochs | samples/s | CPU-time samples/s | s/epoch | ≈GFLOP/s | peak MB | notes |\n|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    if (row.models.length === 0) out.push(`| ${row.runtime} | ${row.backend} | – | – | – | – | – | – | – | – | – | ${row.note} |`);
    for (const mb of row.models) {
      for (const t of mb.search) {
        const macs = trainedMacs(macsFrom, mb.model, t.preset);
        const mean = t.epochMs.reduce((a, b) => a + b, 0) / Math.max(1, t.epochMs.length);
        out.push(`| ${row.runtime} | ${row.backend} | ${mb.model} (${mb.blockName}) | ${t.preset} | ${t.samplesPerEpoch / 2} | ${t.warmupEpochs} + ${t.timedEpochs} | **${f(t.samplesPerSecond)}** | ${f(t.cpuSamplesPerSecond)} | ${s(mean)} | ${macs ? f(gflops(t.samplesPerSecond, macs), 2) : '–'} | ${f(t.peakBytes / 1e6, 2)} | ${row.note} |`);
      }
    }
  }
  out.push('');
  out.push(...renderPeer(r, rows));
  out.push('');
  out.push('### Multiply-accumulates per sample (forward, batch 1, counted from the kernels tfjs runs)');
  out.push('');
  out.push('| model | block (input) | preset | supernet cell MMAC | frozen suffix MMAC | frozen prefix MMAC |\n|---|---|---|---|---|---|');
  for (const mb of macsFrom) for (const [preset, v] of Object.entries(mb.macs)) out.push(`| ${mb.model} | ${mb.blockName} [${mb.blockInputShape.join('×')}] | ${preset} | ${mega(v.cell)} | ${mega(v.suffix)} | ${mega(v.prefix)} |`);
  out.push('');
  out.push('### Prefix caching (on vs off)');
  out.push('');
  out.push(`"off" runs the frozen prefix on raw images inside the loss for every batch (bench/caching.ts); both variants run the same hand-written DARTS first-order loop (α step on S_α, clipped SGD step on S_w, one read per epoch); after one warm-up epoch each, rounds alternate the variants (one round by default) and each variant's fastest epoch counts.`);
  out.push('');
  out.push('"MAC bound" is the speed-up the MAC counts allow: 1 + prefix / (3 × (cell + suffix)), since the prefix only runs forward.');
  out.push('');
  out.push('| runtime | backend | model | block | preset | cached s/epoch | uncached s/epoch | speed-up | MAC bound | one-off cache build s |\n|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    for (const mb of row.models) {
      if (!mb.caching) continue;
      const m = macsFrom.find((x) => x.model === mb.model)?.macs[mb.caching.preset];
      const bound = m ? 1 + m.prefix / (3 * (m.cell + m.suffix)) : null;
      out.push(`| ${row.runtime} | ${row.backend} | ${mb.model} | ${mb.caching.blockName} | ${mb.caching.preset} | ${s(mb.caching.cachedEpochMs, 2)} | ${s(mb.caching.uncachedEpochMs, 2)} | **${f(mb.caching.speedup, 2)}×** | ${f(bound, 2)}× | ${s(mb.cacheMs, 2)} |`);
    }
  }
  out.push('');
  out.push('### Tensor leak check and peak memory');
  out.push('');
  out.push('Peak = the largest tf.memory().numBytes seen after any batch. The 10-epoch check runs the lite preset with one batch per epoch; rows with fewer epochs are the throughput runs themselves.');
  out.push('');
  out.push('| runtime | backend | model | preset | epochs | tensors after epoch 1 | after last epoch | leak | peak MB (tf.memory numBytes) |\n|---|---|---|---|---|---|---|---|---|');
  const leakRow = (row: BackendRow, model: string, t: ModelBench['search'][number]) => {
    const diff = t.tensorsAfterLast - t.tensorsAfterFirst;
    out.push(`| ${row.runtime} | ${row.backend} | ${model} | ${t.preset} | ${t.warmupEpochs + t.timedEpochs} | ${t.tensorsAfterFirst} | ${t.tensorsAfterLast} | ${diff === 0 ? 'none' : `**${diff}**`} | ${f(t.peakBytes / 1e6, 2)} |`);
  };
  // The dedicated check (10 epochs) where it ran; elsewhere the throughput run's own epochs.
  for (const row of rows) for (const mb of row.models) for (const t of mb.leak ? [mb.leak] : mb.search.filter((x) => x.warmupEpochs + x.timedEpochs > 1)) leakRow(row, mb.model, t);
  out.push('');
  out.push('### Localization and time to first epoch');
  out.push('');
  out.push('| runtime | backend | model | failures used (found) | passing | collect failures s | localize s |\n|---|---|---|---|---|---|---|');
  for (const row of rows) {
    for (const mb of row.models) if (mb.localization) out.push(`| ${row.runtime} | ${row.backend} | ${mb.model} | ${mb.localization.failuresUsed} (${mb.localization.failuresFound}) | ${mb.localization.passingUsed} | ${s(mb.localization.collectMs)} | ${s(mb.localization.localizeMs)} |`);
    if (row.workshop) out.push(`| ${row.runtime} | ${row.backend} | ${row.workshop.model} (workshop run) | ${row.workshop.failuresUsed} | – | ${s(row.workshop.collectMs)} | ${s(row.workshop.localizeMs)} |`);
  }
  out.push('');
  out.push('| Chromium backend | page opened → first search epoch done, s |\n|---|---|');
  for (const row of rows) if (row.runtime === 'chromium') out.push(`| ${row.backend} | ${s(row.timeToFirstEpochMs, 2)} |`);
  const w = rows.find((row) => row.workshop)?.workshop;
  if (w) {
    out.push('');
    out.push(`### Workshop default in Chromium (${rows.find((row) => row.workshop)?.backend})`);
    out.push('');
    out.push(`Demo model on its worst corruption (${w.corruption}), default session: preset ${w.defaults.preset}, ${w.defaults.searchEpochs} search epochs, ${w.defaults.finetuneEpochs} fine-tune epochs, up to ${w.defaults.failureCap} failures; block ${w.blockName}. Ran ${w.ran.searchEpochs} search and ${w.ran.finetuneEpochs} fine-tune epoch(s)${w.isProjected ? '; the rest is projected from the measured per-epoch times' : ''}.`);
    out.push('');
    out.push('| collect failures s | localize s | cache prefix + FGSM s | search s/epoch | search samples/s | derive + fine-tune s (ran) | total s (default epochs) |\n|---|---|---|---|---|---|---|');
    const mean = w.searchEpochMs.reduce((a, b) => a + b, 0) / Math.max(1, w.searchEpochMs.length);
    out.push(`| ${s(w.collectMs)} | ${s(w.localizeMs)} | ${s(w.prepareMs)} | ${s(mean)} | ${f(w.samplesPerSecond)} | ${s(w.deriveMs)} | **${s(w.totalMs, 0)}**${w.isProjected ? ' (projected)' : ''} |`);
  }
  return out.join('\n') + '\n';
}

/** Lab rows of the peer's workload with the peer's figure measured right after them (same preset, examples, threads). */
export interface PeerComparison {
  runtime: 'node' | 'chromium';
  backend: string;
  preset: PresetName;
  labSamplesPerSecond: number;
  peer: PeerRun | null;
  /** lab / PyTorch; null without a peer figure. */
  ratio: number | null;
  /** PyTorch on one thread beside a multi-threaded backend (null otherwise), and lab / that. */
  reference: PeerRun | null;
  referenceRatio: number | null;
}

export function peerComparisons(r: Pick<BenchResults, 'node' | 'browser' | 'peer'>): PeerComparison[] {
  const out: PeerComparison[] = [];
  for (const row of backendRows(r)) {
    if (row.threads === null) continue;
    const mb = row.models.find((m) => m.model === PEER_MODEL);
    for (const t of mb?.search ?? []) {
      const peer = r.peer.find((p) => p.beside === `${row.runtime} ${row.backend}` && p.preset === t.preset) ?? null;
      const ratio = peer?.samplesPerSecond ? t.samplesPerSecond / peer.samplesPerSecond : null;
      const reference = r.peer.find((p) => p.beside === `${row.runtime} ${row.backend}${REFERENCE_SUFFIX}` && p.preset === t.preset) ?? null;
      const referenceRatio = reference?.samplesPerSecond ? t.samplesPerSecond / reference.samplesPerSecond : null;
      out.push({ runtime: row.runtime, backend: row.backend, preset: t.preset, labSamplesPerSecond: t.samplesPerSecond, peer, ratio, reference, referenceRatio });
    }
  }
  return out;
}

const loads = (l: number[]): string => l.map((x) => x.toFixed(2)).join('/');

function renderPeer(r: BenchResults, rows: BackendRow[]): string[] {
  const out: string[] = [];
  out.push(`### Lab vs PyTorch (peer), ${PEER_MODEL} ${PEER_BLOCK}`);
  out.push('');
  out.push(`The peer (\`../shared/peers/torch_search_epoch.py\`, PyTorch CPU) runs the same search epoch (same cell, batch 64, first order, examples per split, samples/s counted the same way) with the same thread count, right after the lab rows it sits beside; its figure is the median of its runs (one warm-up + one timed epoch each). Load average (1/5/15 min) is read just before the peer runs. On a shared machine a multi-threaded PyTorch loses far more than its share when another job takes a core (its OpenMP threads wait for each other): compare ratios only from rows whose peer runs agree.`);
  out.push('');
  const comparisons = peerComparisons(r);
  if (comparisons.length === 0) {
    out.push(`No CPU-backend rows of ${PEER_MODEL} in this run.`);
  } else {
    out.push('| runtime | backend | preset | per split | threads | lab samples/s | PyTorch samples/s, same threads (runs) | lab / PyTorch | load average | PyTorch 1 thread (reference) | lab / PyTorch 1 thread |\n|---|---|---|---|---|---|---|---|---|---|---|');
    const peerCell = (p: PeerRun | null) => {
      const unstable = p && p.runs.length > 1 && spread(p.runs) > UNSTABLE_SPREAD ? ' — unstable: runs differ > 1.5×, load changed' : '';
      return !p ? 'not run' : p.samplesPerSecond === null ? p.unavailable : `${f(p.samplesPerSecond)} (${p.runs.map((x) => f(x, 0)).join(', ')})${unstable}`;
    };
    const ratioCell = (x: number | null) => (x === null ? '–' : `**${f(x, 2)}×**`);
    for (const c of comparisons) {
      const p = c.peer;
      const threads = p?.threads ?? rows.find((x) => x.runtime === c.runtime && x.backend === c.backend)?.threads ?? '–';
      const ref = c.reference ? `${peerCell(c.reference)}, load ${loads(c.reference.loadAverage)}` : threads === 1 ? 'same as left' : '–';
      out.push(`| ${c.runtime} | ${c.backend} | ${c.preset} | ${p?.perSplit ?? '–'} | ${threads} | ${f(c.labSamplesPerSecond)} | ${peerCell(p)} | ${ratioCell(c.ratio)} | ${p ? loads(p.loadAverage) : '–'} | ${ref} | ${c.reference ? ratioCell(c.referenceRatio) : threads === 1 ? ratioCell(c.ratio) : '–'} |`);
    }
  }
  const ws = rows.find((row) => row.workshop);
  if (ws?.workshop) {
    const w = ws.workshop;
    out.push('');
    out.push(`Whole default lesson (page defaults, ${ws.runtime} ${ws.backend}, ${w.model} on ${w.corruption}, block ${w.blockName}): **${s(w.totalMs, 0)} s**${w.isProjected ? ' (projected)' : ''}, search ${f(w.samplesPerSecond)} samples/s (preset ${w.defaults.preset}); no peer (the peer mirrors only the search epoch of ${PEER_BLOCK}).`);
  }
  return out;
}
