/** The page writes the verdict and the report with the catalogue's words: in English exactly as the CLI does, in Japanese in Japanese. */
import { afterEach, describe, expect, it } from 'vitest';
import { ENGLISH_REPORT_WORDS, reportMarkdown, reportStanding, type RepairReport } from '../../../../src/core/repair/report';
import { verdictText } from '../../../../src/core/repair/selection';
import { pageReportWords, pageVerdictWords } from '../../../../src/ui/i18n/report-words';
import { overwriteGetLocale } from '../../../../src/paraglide/runtime';
import { keptSelection, repairedSelection } from '../steps/verdict-fixtures';

function report(): RepairReport {
  const row = (label: string, severity: number, accuracy: number) => ({ label, severity, count: 200, accuracy });
  return {
    version: 1,
    createdAt: '2026-12-01T09:00:00.000Z',
    model: { name: 'mnist-cnn', params: 1234, blocks: 4 },
    dataset: { name: 'mnist-test', provenance: 'MNIST test split', workingSize: 2000, heldOutSize: 1000 },
    drift: { corruption: 'dotted_line', severity: 3 },
    backend: 'wasm',
    settings: {},
    failures: { total: 120, used: 100, accuracyBefore: 0.612 },
    localization: {
      method: 'spectrum', formula: 'ochiai', blockNames: ['conv unit 1', 'head'], chosenBlock: 0, timingsMs: { total: 1200 },
      scores: [
        { blockIndex: 0, forward: 1, backward: 1, forwardNormalized: 1, backwardNormalized: 0.8, combined: 0.9, rank: 1 },
        { blockIndex: 1, forward: 0.2, backward: 0.1, forwardNormalized: 0.2, backwardNormalized: 0.1, combined: 0.15, rank: 2 },
      ],
    },
    search: { epochs: 3, history: [], finalAlphaSoftmax: [], genotype: { steps: 2, edges: [{ node: 1, from: 0, op: 'sep_conv_3x3' }, { node: 2, from: 1, op: 'skip_connect' }], concat: [1, 2] } },
    derived: { params: 500, originalBlockParams: 400, finetuneLosses: [0.5] },
    verdict: 'repaired',
    results: [
      { name: 'original', label: 'original model', rows: [row('clean', 0, 0.98), row('dotted_line', 3, 0.6)], trainMs: 0, selection: null },
      { name: 'archrepair', label: 'ArchRepair (block architecture + weights)', rows: [row('clean', 0, 0.95), row('dotted_line', 3, 0.8)], trainMs: 9000, selection: repairedSelection },
      { name: 'network-finetune', label: 'network-level fine-tune', rows: [row('clean', 0, 0.98), row('dotted_line', 3, 0.6)], trainMs: 8000, selection: keptSelection },
    ],
    timingsMs: { localize: 1200, search: 30500 },
  };
}

afterEach(() => overwriteGetLocale(() => 'en'));

describe('report and verdict words', () => {
  it('are the CLI English word for word when the page shows English (dates aside: the page writes them with Intl; corruptions by their display names)', () => {
    overwriteGetLocale(() => 'en');
    for (const selection of [repairedSelection, keptSelection]) expect(verdictText(selection, pageVerdictWords())).toBe(verdictText(selection));
    const words = { ...pageReportWords(), date: ENGLISH_REPORT_WORDS.date };
    expect(reportMarkdown(report(), words)).toBe(reportMarkdown(report()).replaceAll('dotted_line', 'dotted line'));
  });

  it('write the report and the verdict in Japanese, keeping the tables and numbers', () => {
    overwriteGetLocale(() => 'ja');
    const md = reportMarkdown(report(), pageReportWords());
    expect(md).toContain('# ArchRepair Lab レポート: mnist-cnn、点線（強度 3）');
    expect(md).toContain('## 脆弱ブロックの特定');
    expect(md).toContain('| 順位 | ブロック | 順方向 | 逆方向 | スコア |');
    expect(md).toContain('| 1 | conv unit 1（探索対象） | 1.000 | 0.800 | 0.900 |');
    expect(md).toContain('| モデル | クリーン | 点線 強度3 |');
    expect(md).toContain('| ネットワーク全体の微調整（元のモデルを維持） | 98.0% | 60.0% |');
    expect(md).toContain('ArchRepair: 修復済み（エポック 1');
    expect(md).toContain('- search: 30.5 秒');
    expect(md).toMatch(/2026/);
    expect(md).not.toMatch(/\b(Created|Failures|Method|Drops|epochs)\b/);
    expect(verdictText(keptSelection, pageVerdictWords())).toMatch(/^クリーン精度を保つ修復は見つかりませんでした/);
  });

  it('say in both languages when the kept repair fell below the clean bound on held-out images, and only then', () => {
    const r = report();
    // ArchRepair's held-out clean accuracy: 95.0 % against 98.0 %, 3.0 points down with a 0.5-point bound.
    expect(reportStanding(r, 'repaired')).toEqual({ standing: 'clean-shortfall', shortfall: expect.closeTo(0.03, 9) });
    expect(reportMarkdown(r)).toContain('Held-out check: on the held-out clean images this model is 3.0 points below the original, more than the 0.5-point bound.');
    overwriteGetLocale(() => 'ja');
    expect(reportMarkdown(r, pageReportWords())).toContain('元のモデルより 3.0 ポイント低く、0.5 ポイントの範囲を超えています');
    r.results[1].rows[0].accuracy = 0.976;
    expect(reportStanding(r, 'repaired')).toEqual({ standing: 'repaired', shortfall: null });
    expect(reportMarkdown(r, pageReportWords())).not.toContain('取り置き画像での確認');
    expect(reportMarkdown(r)).not.toContain('Held-out check');
    // Before the held-out evaluation the standing is the selection's verdict.
    expect(reportStanding({ results: [] }, 'no-repair')).toEqual({ standing: 'no-repair', shortfall: null });
  });
});
