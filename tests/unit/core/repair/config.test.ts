import { describe, expect, it } from 'vitest';
import { DEFAULT_REPAIR_CONFIG, WORKSHOP_DEFAULTS, resolveRepairConfig } from '../../../../src/core/repair/config';
import { LabError } from '../../../../src/core/errors';

const fieldOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LabError);
    return (err as LabError).field ?? 'no field';
  }
  return 'no error';
};

describe('repair config', () => {
  it('keeps at least one α epoch after the warm-up', () => {
    const search = (epochs: number, alphaWarmupEpochs: number) => ({ search: { ...DEFAULT_REPAIR_CONFIG.search, epochs, alphaWarmupEpochs } });
    expect(resolveRepairConfig(search(4, 3)).search.alphaWarmupEpochs).toBe(3);
    expect(fieldOf(() => resolveRepairConfig(search(4, 4)))).toBe('search.alphaWarmupEpochs');
    expect(fieldOf(() => resolveRepairConfig(search(4, -1)))).toBe('search.alphaWarmupEpochs');
  });

  it('lets the layers around the block learn faster or slower than it, within reason', () => {
    const rate = (networkRate: number) => ({ finetune: { ...DEFAULT_REPAIR_CONFIG.finetune, networkRate } });
    expect(resolveRepairConfig(rate(3)).finetune.networkRate).toBe(3);
    expect(fieldOf(() => resolveRepairConfig(rate(0)))).toBe('finetune.networkRate');
    expect(fieldOf(() => resolveRepairConfig(rate(11)))).toBe('finetune.networkRate');
  });

  it('the workshop budget inherits the search settings it does not restate', () => {
    expect(WORKSHOP_DEFAULTS.search.alphaWarmupEpochs).toBe(DEFAULT_REPAIR_CONFIG.search.alphaWarmupEpochs);
    expect(WORKSHOP_DEFAULTS.search.alphaLearningRate).toBe(DEFAULT_REPAIR_CONFIG.search.alphaLearningRate);
  });
});
