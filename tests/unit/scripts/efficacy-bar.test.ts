import { describe, expect, it } from 'vitest';
import { barTable, type MethodRow } from '../../../scripts/efficacy-table';

function row(method: string, seed: number, clean: number, drift: number, others: Record<string, number>): MethodRow {
  return { model: 'demo', target: 'stripe', seed, method, label: method, verdict: 'repaired', clean, drift, others: new Map(Object.entries(others)) };
}

describe('efficacy bar table', () => {
  it('checks each criterion of the do-no-harm bar over seeds, against the original and network fine-tuning', () => {
    const rows = [1, 2].flatMap((seed) => [
      row('original', seed, 0.98, 0.3, { 'fog@3': 0.9, 'fog@5': 0.8, 'contrast@3': 0.9 }),
      // Network fine-tune: clean −0.2, no drop anywhere.
      row('network-finetune', seed, 0.978, 0.6, { 'fog@3': 0.9, 'fog@5': 0.8, 'contrast@3': 0.91 }),
      // ArchRepair: clean −0.1, drift above fine-tuning, but contrast@3 down 8 points on seed 2.
      row('archrepair', seed, 0.979, 0.7, { 'fog@3': 0.9, 'fog@5': 0.8, 'contrast@3': seed === 2 ? 0.82 : 0.9 }),
    ]);
    const lines = barTable(rows).split('\n');
    const archrepair = lines.find((l) => l.startsWith('| demo | archrepair'))!;
    const network = lines.find((l) => l.startsWith('| demo | network-finetune'))!;
    expect(archrepair).toContain('| -0.1 | +10.0 |');
    // Worst drop at severity 3: 0 and 8 points → mean 4.0 (within the bar), largest 8.0; but the
    // mean over the other rows falls 8 / 3 / 2 = 1.3 points, more than the bar's 1.
    expect(archrepair).toContain('| -1.3 | 4.0 / 8.0 | not met (mean other) |');
    expect(network).toContain('| -0.2 | – |');
    expect(network).toContain('| met |');
    // A clean loss beyond half a point breaks the bar.
    const worse = rows.map((r) => (r.method === 'archrepair' ? { ...r, clean: 0.97 } : r));
    expect(barTable(worse).split('\n').find((l) => l.startsWith('| demo | archrepair'))).toContain('not met (clean, mean other)');
  });
});
