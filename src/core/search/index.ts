/** Block architecture search (DARTS-shaped): op table, mixed op, cell, genotype, architect, trainer, derivation. */
export { PRIMITIVES, isOpName, type OpName } from './primitives';
export { OPS, createSearchOp, type Op, type OpBuilder } from './ops';
export { createMixedOp, type MixedOp } from './mixed-op';
export { createCell, edgeCount, edgeEnds, edgeIndex, type Cell, type CellSpec } from './cell';
export { parseGenotype, REFERENCE_GENOTYPES, SEP_CHAIN, ALL_OPS, type Genotype } from './genotype';
export { PRESETS, PRESET_NAMES, DARTS_HYPERPARAMETERS, cosineLearningRate, type PresetName, type SearchPreset, type SearchHyperparameters } from './presets';
export { createArchitect, type Architect, type SearchOrder } from './architect';
export { DEFAULT_SEARCH_CONFIG, validateSearchConfig, type SearchConfig, type SearchConfigInput } from './config';
export { createSearch, type Search, type SearchData, type SearchState, type Split, type Suffix } from './bilevel';
export { buildDerivedBlock, validateDerivation, type DerivedBlockSpec } from './derive';
