/**
 * The workshop default repair: the demo model on its worst corruption with the default session
 * settings (WORKSHOP_REPAIR_CONFIG, what the lab runs by default: lite preset, 4 search epochs, 3 fine-tune epochs, 300
 * failures). Runs `searchEpochs` / `finetuneEpochs` of them for real and projects the rest from
 * the measured per-epoch times (all of them when both equal the defaults).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../src/core/data/dataset';
import type { CorruptionName } from '../src/core/data/corruptions';
import { WORKSHOP_REPAIR_CONFIG, resolveRepairConfig } from '../src/core/repair/config';
import { RepairSession } from '../src/core/repair/session';
import type { BlockGraph, Progress } from '../src/core/types';

/** Phase times (ms) of one workshop-default repair, measured and projected. */
export interface WorkshopTiming {
  model: string;
  corruption: string;
  blockName: string;
  defaults: { searchEpochs: number; finetuneEpochs: number; preset: string; failureCap: number };
  ran: { searchEpochs: number; finetuneEpochs: number };
  failuresUsed: number;
  collectMs: number;
  localizeMs: number;
  prepareMs: number;
  searchEpochMs: number[];
  samplesPerSecond: number;
  deriveMs: number;
  /** Derive time before the fine-tune's first batch (building the block, splicing). */
  deriveSetupMs: number;
  /** localize + search + fine-tune with the default epochs (projected unless ran = defaults). */
  totalMs: number;
  isProjected: boolean;
}

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

/** Runs the workshop-default repair with bounded epochs and projects the default total. */
export async function timeWorkshop(modelName: string, model: tf.LayersModel, graph: BlockGraph, testSet: Dataset, corruption: CorruptionName, searchEpochs: number, finetuneEpochs: number, log: (line: string) => void): Promise<WorkshopTiming> {
  // The lab's own default lesson (the browser's workshop preset), not the CLI's larger budget.
  const defaults = resolveRepairConfig(WORKSHOP_REPAIR_CONFIG);
  const session = new RepairSession(model, graph, testSet, { ...WORKSHOP_REPAIR_CONFIG, corruption, finetune: { ...defaults.finetune, epochs: finetuneEpochs } });
  const clock = () => performance.now();
  try {
    let t = clock();
    const f = await session.collectFailures();
    const collectMs = clock() - t;
    t = clock();
    await session.localize();
    const localizeMs = clock() - t;
    log(`  workshop: ${f.failures.failingIndices.length} failures, localized in ${(localizeMs / 1000).toFixed(1)} s → block ${graph.blocks[session.blockIndex ?? 0].name}`);
    t = clock();
    await session.startSearch();
    const prepareMs = clock() - t;
    const searchEpochMs: number[] = [];
    const rates: number[] = [];
    for (let e = 0; e < searchEpochs; e++) {
      const m = await session.searchEpoch();
      searchEpochMs.push(m.wallMs);
      rates.push(m.samplesPerSecond);
      log(`  workshop: search epoch ${e + 1}/${searchEpochs}: ${(m.wallMs / 1000).toFixed(1)} s, ${m.samplesPerSecond.toFixed(1)} samples/s`);
    }
    t = clock();
    let firstBatchAt: number | null = null;
    await session.derive(undefined, (p: Progress) => {
      if (firstBatchAt === null && p.done > 0 && /fine/i.test(p.phase)) firstBatchAt = clock();
    });
    const deriveMs = clock() - t;
    const deriveSetupMs = firstBatchAt === null ? deriveMs : (firstBatchAt as number) - t;
    const perFinetuneEpoch = finetuneEpochs > 0 ? (deriveMs - deriveSetupMs) / finetuneEpochs : 0;
    const meanEpoch = sum(searchEpochMs) / Math.max(1, searchEpochs);
    const isProjected = searchEpochs !== defaults.search.epochs || finetuneEpochs !== defaults.finetune.epochs;
    const totalMs = isProjected
      ? localizeMs + collectMs + prepareMs + meanEpoch * defaults.search.epochs + deriveSetupMs + perFinetuneEpoch * defaults.finetune.epochs
      : collectMs + localizeMs + prepareMs + sum(searchEpochMs) + deriveMs;
    return {
      model: modelName,
      corruption,
      blockName: graph.blocks[session.blockIndex ?? 0].name,
      defaults: { searchEpochs: defaults.search.epochs, finetuneEpochs: defaults.finetune.epochs, preset: defaults.search.preset, failureCap: defaults.failureCap },
      ran: { searchEpochs, finetuneEpochs },
      failuresUsed: f.failures.failingIndices.length,
      collectMs,
      localizeMs,
      prepareMs,
      searchEpochMs,
      samplesPerSecond: sum(rates) / Math.max(1, rates.length),
      deriveMs,
      deriveSetupMs,
      totalMs,
      isProjected,
    };
  } finally {
    session.dispose();
  }
}
