import type { SuspiciousnessFormula } from '../types';

/**
 * Spectrum counts of one neuron over a set of runs (DeepFault-style hit spectrum):
 * A_f / A_s = activated on failing / passing inputs, N_f / N_s = not activated on them.
 */
export interface SpectrumCounts {
  activeFailing: number;
  activeSuccessful: number;
  inactiveFailing: number;
  inactiveSuccessful: number;
}

/** A suspiciousness formula: counts → a finite score ≥ 0 (higher = more suspicious). */
export type Formula = (counts: SpectrumCounts) => number;

const ratio = (num: number, den: number): number => (den > 0 ? num / den : 0);

/** Ochiai: A_f / sqrt((A_f + N_f)(A_f + A_s)), in [0, 1]; 0 when either factor is empty. */
export const ochiai: Formula = ({ activeFailing: af, activeSuccessful: as, inactiveFailing: nf }) => ratio(af, Math.sqrt((af + nf) * (af + as)));

/** Tarantula: fail rate / (fail rate + pass rate), in [0, 1]; a rate with no runs counts as 0. */
export const tarantula: Formula = ({ activeFailing: af, activeSuccessful: as, inactiveFailing: nf, inactiveSuccessful: ns }) => {
  const failRate = ratio(af, af + nf);
  const passRate = ratio(as, as + ns);
  return ratio(failRate, failRate + passRate);
};

/**
 * DStar with * = 2: A_f² / (A_s + N_f), in [0, ∞). The textbook value is infinite when
 * A_s + N_f = 0; we divide by ½ instead, so such a neuron still outranks any neuron with the
 * same A_f and a non-empty denominator while block means stay finite.
 */
export const dstar: Formula = ({ activeFailing: af, activeSuccessful: as, inactiveFailing: nf }) => (af * af) / (as + nf > 0 ? as + nf : 0.5);

/** The formula table, keyed by the name the settings and the UI use. */
export const FORMULAS: Record<SuspiciousnessFormula, Formula> = { ochiai, tarantula, dstar };

/** The formula names, in display order. */
export const FORMULA_NAMES = Object.keys(FORMULAS) as SuspiciousnessFormula[];
