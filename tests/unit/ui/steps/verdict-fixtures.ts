/** Made-up Results / Derive views for the step tests, in both verdicts. */
import type { Selection } from '../../../../src/core/repair/selection';
import { CLEAN_TOLERANCE, selectCandidate, verdictText } from '../../../../src/core/repair/selection';
import type { ModelRows, ResultsView } from '../../../../src/worker/lab-types';

/**
 * Epoch 1 keeps clean accuracy and lifts the drift; epoch 2 lifts it more but breaks the clean
 * bound; epoch 3 lifts it most within the clean bound, but the robustness guard found it 10
 * points down on brightness. The guard took part; in keptSelection it did not.
 */
export const repairedSelection: Selection = selectCandidate({ epoch: 0, clean: 0.98, drift: 0.4 }, [
  { epoch: 1, clean: 0.978, drift: 0.7, harm: { label: 'fog', drop: 0.012, se: 0.004 } },
  { epoch: 2, clean: 0.95, drift: 0.8 },
  { epoch: 3, clean: 0.979, drift: 0.9, harm: { label: 'brightness', drop: 0.1, se: 0.01 } },
], CLEAN_TOLERANCE, true);
/** No epoch beats the original's drift within the bound. */
export const keptSelection: Selection = selectCandidate({ epoch: 0, clean: 0.98, drift: 0.4 }, [{ epoch: 1, clean: 0.96, drift: 0.6 }, { epoch: 2, clean: 0.979, drift: 0.38 }]);

function rows(name: string, label: string, accuracies: number[], selection: Selection | null): ModelRows {
  const labels = ['clean', 'stripe', 'fog'];
  return { name, label, rows: accuracies.map((accuracy, i) => ({ label: labels[i], severity: i === 0 ? 0 : 3, count: 200, accuracy })), trainMs: 1500, selection };
}

const empty = { pixels: new Float32Array(0), shape: [0, 28, 28, 1] as [number, number, number, number], labels: new Int32Array(0) };

export function resultsView(verdict: 'repaired' | 'no-repair', withBaselines = false): ResultsView {
  const selection = verdict === 'repaired' ? repairedSelection : keptSelection;
  const original = rows('original', 'original model', [0.98, 0.35, 0.9], null);
  // Repaired: clean −0.5 point, stripe +30, fog −3.5 (flagged). Kept: the same numbers as the original.
  const repaired = verdict === 'repaired' ? rows('archrepair', 'ArchRepair', [0.975, 0.65, 0.865], selection) : rows('archrepair', 'ArchRepair', [0.98, 0.35, 0.9], selection);
  const baselines = withBaselines
    ? [
        rows('network-finetune', 'network-level fine-tune', [0.981, 0.7, 0.91], repairedSelection),
        rows('layer-weights', 'layer-level weight repair', [0.98, 0.35, 0.9], keptSelection),
        rows('block-weights', 'block-level weight-only repair', [0.97, 0.5, 0.8], repairedSelection),
        rows('random-genotype', 'random genotype (same search space and fine-tune)', [0.98, 0.35, 0.9], keptSelection),
      ]
    : [];
  return {
    classNames: ['0', '1'], targetLabel: 'stripe', verdict, verdictText: verdictText(selection), original, repaired, baselines,
    perClassBefore: [0.5, 0.5], perClassAfter: [0.6, 0.6], confusionBefore: [[1, 0], [0, 1]], confusionAfter: [[1, 0], [0, 1]],
    fixedCount: verdict === 'repaired' ? 12 : 0, brokenCount: verdict === 'repaired' ? 3 : 0, fixed: empty, broken: empty,
  };
}
