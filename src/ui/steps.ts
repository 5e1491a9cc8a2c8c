/** The six steps of a repair, in order. Text is written for a workshop audience. */
export const STEPS = [
  { id: 'model', title: 'Model', summary: 'Pick a demo network or drop your own TensorFlow.js model. The lab cuts it into blocks: groups of layers with one input and one output, such as a conv unit or a residual unit.' },
  { id: 'data', title: 'Data', summary: 'Choose the test data and a corruption (fog, noise, blur…) that the model fails on. The failing images are what the repair learns from.' },
  { id: 'localize', title: 'Localize', summary: 'Spectrum analysis compares which neurons fire on failing versus passing images, and how strongly each block\u2019s weights would have to change. The most suspicious block is the one to repair.' },
  { id: 'search', title: 'Search', summary: 'The chosen block is replaced by a small search space of candidate operations. Step by step the lab learns both which operations to use (α) and their weights.' },
  { id: 'results', title: 'Results', summary: 'Accuracy before and after, on clean images and on every corruption, with the examples the repair fixed and the ones it broke.' },
  { id: 'export', title: 'Export', summary: 'Download the repaired model in the standard TensorFlow.js format, with a report of what was changed and why.' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];
