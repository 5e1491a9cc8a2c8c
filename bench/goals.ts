/** The issue's goals as ratios read off one run's results. */
import type { PresetName } from '../src/core/search/presets';
import { PEER_UNAVAILABLE_FIX, UNSTABLE_SPREAD, spread } from './peer';
import { backendRows, peerComparisons, type BenchResults, type GoalResult } from './report';

const rateOf = (models: BenchResults['node'][number]['models'], model: string, preset: PresetName): number | null => models.find((m) => m.model === model)?.search.find((t) => t.preset === preset)?.samplesPerSecond ?? null;

/** Best in-browser backend without a GPU vs tfjs cpu (Chromium's, else Node's) on each model × preset; the smallest ratio counts. */
function speedGoal(r: Pick<BenchResults, 'node' | 'browser'>): GoalResult {
  const browser = r.browser.filter((b) => !b.skipped);
  const cpu = browser.find((b) => b.backend === 'cpu') ?? r.node.find((n) => n.backend === 'cpu');
  const others = browser.filter((b) => b.backend !== 'cpu');
  const parts: string[] = [];
  let worst: number | null = null;
  for (const mb of cpu?.models ?? []) {
    for (const t of mb.search) {
      const best = others.map((b) => ({ backend: b.backend, rate: rateOf(b.models, mb.model, t.preset) })).filter((x): x is { backend: string; rate: number } => x.rate !== null).sort((a, b) => b.rate - a.rate)[0];
      if (!best) continue;
      const ratio = best.rate / t.samplesPerSecond;
      worst = worst === null ? ratio : Math.min(worst, ratio);
      parts.push(`${mb.model}/${t.preset}: ${best.backend} ${best.rate.toFixed(1)} vs cpu ${t.samplesPerSecond.toFixed(1)} = ${ratio.toFixed(1)}×`);
    }
  }
  const baseline = cpu ? ('runtime' in cpu ? 'Node cpu (Chromium cpu not run)' : 'Chromium cpu') : 'no cpu run';
  return { name: 'best in-browser backend without GPU / tfjs cpu, search epoch', value: worst, target: '≥ 10×', isMet: worst === null ? null : worst >= 10, detail: `baseline ${baseline}; smallest of: ${parts.join('; ') || '–'}` };
}

/** Prefix caching speed-up on a second-half block (Chromium wasm first, else any run); the smallest counts. */
function cachingGoal(r: Pick<BenchResults, 'node' | 'browser'>): GoalResult {
  const rows = backendRows(r).flatMap((row) => row.models.filter((m) => m.caching).map((m) => ({ where: `${row.runtime} ${row.backend}`, m })));
  const values = rows.map(({ where, m }) => ({ where, model: m.model, block: m.caching!.blockName, speedup: m.caching!.speedup }));
  const worst = values.length ? Math.min(...values.map((v) => v.speedup)) : null;
  return { name: 'prefix caching speed-up (epoch time off / on)', value: worst, target: '≥ 2×', isMet: worst === null ? null : worst >= 2, detail: values.map((v) => `${v.where} ${v.model} ${v.block}: ${v.speedup.toFixed(2)}×`).join('; ') || '–' };
}

function workshopGoal(r: Pick<BenchResults, 'browser'>): GoalResult {
  const run = r.browser.find((b) => b.workshop);
  const w = run?.workshop;
  const seconds = w ? w.totalMs / 1000 : null;
  return { name: 'workshop default (localize + search + fine-tune) in Chromium, s', value: seconds, target: '≤ 300 s', isMet: seconds === null ? null : seconds <= 300, detail: w ? `${run!.backend}, ${w.isProjected ? `projected from ${w.ran.searchEpochs} search + ${w.ran.finetuneEpochs} fine-tune epoch(s)` : 'measured end to end'}` : 'not run' };
}

function leakGoal(r: Pick<BenchResults, 'node' | 'browser'>): GoalResult {
  const checks = backendRows(r).flatMap((row) => row.models.filter((m) => m.leak).map((m) => ({ where: `${row.runtime} ${row.backend} ${m.model}`, diff: m.leak!.tensorsAfterLast - m.leak!.tensorsAfterFirst, epochs: m.leak!.timedEpochs })));
  const worst = checks.length ? Math.max(...checks.map((c) => c.diff)) : null;
  return { name: 'tensor leak: count after last epoch − after epoch 1', value: worst, target: '= 0', isMet: worst === null ? null : worst === 0, detail: checks.map((c) => `${c.where}: ${c.diff} over ${c.epochs} epochs`).join('; ') || '–' };
}

/**
 * The runtime's best CPU backend (highest lab samples/s per preset) over the PyTorch peer at the
 * same thread count, measured beside it; the smallest ratio over the presets counts.
 */
function peerGoal(r: Pick<BenchResults, 'node' | 'browser' | 'peer'>, runtime: 'node' | 'chromium'): GoalResult {
  const name = `${runtime === 'chromium' ? 'Chromium' : 'Node'} best CPU backend / PyTorch CPU (same threads), search epoch mnist-cnn conv unit 2`;
  const rows = peerComparisons(r).filter((c) => c.runtime === runtime);
  const presets = [...new Set(rows.map((c) => c.preset))];
  const best = presets.map((p) => rows.filter((c) => c.preset === p).sort((a, b) => b.labSamplesPerSecond - a.labSamplesPerSecond)[0]);
  const measured = best.filter((c) => c.ratio !== null);
  if (measured.length === 0) {
    const why = best.find((c) => c.peer?.unavailable)?.peer?.unavailable ?? (rows.length ? `peer not run (${PEER_UNAVAILABLE_FIX})` : 'no lab rows');
    return { name, value: null, target: '≥ 1×', isMet: null, detail: why };
  }
  const worst = Math.min(...measured.map((c) => c.ratio!));
  const detail = best.map((c) => `${c.preset}: ${c.backend} ${c.labSamplesPerSecond.toFixed(1)} vs PyTorch ${c.peer?.samplesPerSecond?.toFixed(1) ?? '–'} at ${c.peer?.threads ?? '?'} thread(s) = ${c.ratio === null ? '–' : `${c.ratio.toFixed(2)}×`}`).join('; ');
  const unstable = measured.filter((c) => spread(c.peer!.runs) > UNSTABLE_SPREAD).map((c) => c.preset);
  if (unstable.length) return { name, value: worst, target: '≥ 1×', isMet: null, detail: `not settled: the peer's runs differ > ${UNSTABLE_SPREAD}× (load changed) for ${unstable.join(', ')}; ${detail}` };
  return { name, value: worst, target: '≥ 1×', isMet: measured.length === best.length ? worst >= 1 : null, detail };
}

export function evaluateGoals(r: Pick<BenchResults, 'node' | 'browser' | 'peer'>): GoalResult[] {
  return [speedGoal(r), peerGoal(r, 'chromium'), peerGoal(r, 'node'), cachingGoal(r), workshopGoal(r), leakGoal(r)];
}
