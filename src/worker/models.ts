/** The Model step in the worker: the demo zoo, dropped model files, saved models, block edits. */
import { LabError } from '../core/errors';
import { parseModelCard, type ModelCard } from '../core/data/model-card';
import { validateModelFiles } from '../core/model/validate';
import { loadValidatedModel } from '../core/model/load';
import { buildBlockGraph } from '../core/model/block-graph';
import { internalCuts, mergeBlocks, splitBlock } from '../core/model/block-edit';
import { isSearchable } from '../core/repair/session';
import type { BlockGraph } from '../core/types';
import { getModel, listModels, putModel, setBlockOverrides, type BlockOverride, type LabDb, type ModelSummary } from '../store';
import { readJson, type AssetReader } from './assets';
import type { DemoInfo, ModelSource, ModelView } from './lab-types';
import type { Workspace, WorkspaceModel } from './workspace';

/** public/models/index.json (written by `npm run train-demos`): the demos in display order, as names or entries. */
interface DemoIndex {
  models: (string | { name: string })[];
}

const CARD = 'card.json';

/** The demos whose card can be read (a demo still training is skipped). */
export async function listDemos(read: AssetReader): Promise<DemoInfo[]> {
  const index = await readJson<DemoIndex>(read, 'models/index.json');
  const demos: DemoInfo[] = [];
  for (const entry of index.models ?? []) {
    const name = typeof entry === 'string' ? entry : entry.name;
    try {
      const card = parseModelCard(new TextDecoder().decode(await read(`models/${name}/${CARD}`)), `models/${name}/${CARD}`);
      demos.push(demoInfo(card));
    } catch {
      // Not (yet) on the server: leave it out of the zoo.
    }
  }
  return demos;
}

function demoInfo(card: ModelCard): DemoInfo {
  return {
    name: card.name,
    title: card.title,
    description: card.description,
    params: card.architecture.params,
    cleanAccuracy: card.cleanAccuracy,
    worstCorruption: { ...card.worstCorruption },
    testSet: card.evaluation.testSet,
  };
}

/** Fetches, validates and loads demo `name` with its card. */
export async function openDemo(ws: Workspace, read: AssetReader, name: string): Promise<ModelView> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new LabError(`"${name}" is not a demo name.`, { field: 'model', fix: 'Pick one of the demo cards.' });
  const modelJson = await read(`models/${name}/model.json`);
  let shardNames: string[] = [];
  try {
    const manifest = (JSON.parse(new TextDecoder().decode(modelJson)) as { weightsManifest?: { paths?: string[] }[] }).weightsManifest;
    shardNames = (manifest ?? []).flatMap((g) => g.paths ?? []);
  } catch {
    // Validation below names what is wrong with the file.
  }
  const files = [{ name: 'model.json', bytes: modelJson }];
  for (const shard of shardNames) files.push({ name: shard, bytes: await read(`models/${name}/${shard}`) });
  const card = parseModelCard(new TextDecoder().decode(await read(`models/${name}/${CARD}`)), `models/${name}/${CARD}`);
  return openFiles(ws, files, { kind: 'demo', name }, { name, card, modelId: `demo:${name}`, isSaved: true, overrides: [] });
}

/** Validates dropped files (model.json + shards in any order, metadata.json allowed), loads them and optionally saves them. */
export async function importModelFiles(ws: Workspace, db: LabDb, files: { name: string; bytes: Uint8Array }[], save: boolean): Promise<ModelView> {
  // A dropped demo folder carries its card: read it, and keep it out of validation.
  const cardFile = files.find((f) => baseName(f.name) === CARD);
  const card = cardFile ? tryCard(cardFile.bytes) : null;
  const modelFiles = files.filter((f) => f !== cardFile).map((f) => ({ name: baseName(f.name), bytes: f.bytes }));
  const name = card?.name ?? folderName(files) ?? 'my-model';
  const view = await openFiles(ws, modelFiles, { kind: 'files' }, { name, card, modelId: '', isSaved: false, overrides: [] });
  if (save) return saveCurrentModel(ws, db);
  return view;
}

/** Re-opens a model saved in this browser, with its block edits. */
export async function openStoredModel(ws: Workspace, db: LabDb, id: string): Promise<ModelView> {
  const { model } = await getModel(db, id);
  if (!model) throw new LabError('That saved model is missing or unreadable.', { field: 'model', fix: 'Drop the model files again.' });
  const files = model.files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));
  return openFiles(ws, files, { kind: 'stored', id }, { name: model.name, card: null, modelId: id, isSaved: true, overrides: model.blockOverrides });
}

/** Saves the current model's files (and block edits) in IndexedDB. */
export async function saveCurrentModel(ws: Workspace, db: LabDb): Promise<ModelView> {
  const cur = requireModel(ws);
  if (cur.source.kind === 'demo') return modelView(cur);
  const record = await putModel(db, { name: cur.validated.name, files: cur.files.map((f) => ({ name: f.name, bytes: f.bytes.slice().buffer })), blockOverrides: cur.overrides });
  cur.modelId = record.id;
  cur.source = { kind: 'stored', id: record.id };
  cur.isSaved = true;
  return modelView(cur);
}

export async function listSavedModels(db: LabDb): Promise<ModelSummary[]> {
  return (await listModels(db)).models;
}

/** Merges block `index` with the next one, or splits it after `atLayer`; the edit is remembered by layer names. */
export async function editBlocks(ws: Workspace, db: LabDb, edit: { kind: 'merge'; index: number } | { kind: 'split'; index: number; atLayer: string } | { kind: 'reset' }): Promise<ModelView> {
  const cur = requireModel(ws);
  let override: BlockOverride | null = null;
  if (edit.kind === 'merge') {
    const next = cur.graph.blocks[edit.index + 1];
    cur.graph = mergeBlocks(cur.graph, edit.index);
    override = { kind: 'merge', firstLayer: cur.graph.blocks[edit.index].layers[0], lastLayer: next.layers[next.layers.length - 1] };
  } else if (edit.kind === 'split') {
    cur.graph = splitBlock(cur.graph, edit.index, edit.atLayer);
    override = { kind: 'split', afterLayer: edit.atLayer };
  } else {
    cur.graph = cur.baseGraph;
  }
  cur.overrides = override ? [...cur.overrides, override] : [];
  ws.clearSession();
  if (cur.source.kind === 'stored') await setBlockOverrides(db, cur.source.id, cur.overrides);
  return modelView(cur);
}

/** Replays block edits (by layer names) on the automatic partition; edits that no longer apply are skipped. */
export function applyOverrides(graph: BlockGraph, overrides: readonly BlockOverride[]): BlockGraph {
  let g = graph;
  for (const o of overrides) {
    try {
      if (o.kind === 'merge') {
        const first = g.blocks.findIndex((b) => b.layers.includes(o.firstLayer));
        const last = g.blocks.findIndex((b) => b.layers.includes(o.lastLayer));
        for (let k = first; first >= 0 && k < last; k++) g = mergeBlocks(g, first);
      } else {
        const index = g.blocks.findIndex((b) => b.layers.includes(o.afterLayer));
        if (index >= 0) g = splitBlock(g, index, o.afterLayer);
      }
    } catch {
      // A stale edit (the model changed): keep the partition as it is.
    }
  }
  return g;
}

/** The plain view of the current model. */
export function modelView(cur: WorkspaceModel): ModelView {
  const g = cur.graph;
  return {
    name: cur.validated.name,
    modelId: cur.modelId,
    source: cur.source.kind,
    graph: g,
    card: cur.card,
    params: g.layers.reduce((s, l) => s + l.params, 0),
    classNames: cur.validated.classNames ?? cur.card?.classNames ?? Array.from({ length: g.numClasses }, (_, i) => String(i)),
    fileNames: [...cur.validated.files],
    notes: (cur.validated.warnings ?? []).map((w) => w.message),
    cuts: g.blocks.map((b) => internalCuts(g, b.index)),
    searchable: g.blocks.map((b) => isSearchable(g, b.index)),
    whyNotSearchable: g.blocks.map((b) => whyNotSearchable(g, b.index)),
    memoryBytes: cur.validated.memory.totalBytes,
    isSaved: cur.isSaved,
  };
}

/** Why architecture search cannot replace block `index` (plain words for the Localize step), or null when it can. */
export function whyNotSearchable(graph: BlockGraph, index: number): string | null {
  if (isSearchable(graph, index)) return null;
  const b = graph.blocks[index];
  if (b.unsearchableReason) return b.unsearchableReason;
  if (b.kind === 'head') return 'it is the classifier head: it turns features into class scores, which a cell of convolutions cannot do';
  if (b.inputShape.length !== 3 || b.outputShape.length !== 3) return `its ${b.inputShape.length !== 3 ? 'input' : 'output'} is a flat vector, not an image-like feature map [H, W, C]`;
  if (b.stride !== 1 && b.stride !== 2) return `it shrinks the image ${b.stride}× at once; a cell can keep the size or halve it`;
  const [h, w] = b.inputShape;
  return `it turns ${h}×${w} into ${b.outputShape[0]}×${b.outputShape[1]} (pooling that drops a border row), which a cell with 'same' padding cannot reproduce; merge it with the next block or pick another`;
}

export function requireModel(ws: Workspace): WorkspaceModel {
  if (!ws.current) throw new LabError('Open a model first.', { field: 'model', fix: 'Pick a demo card or drop model files in the Model step.' });
  return ws.current;
}

async function openFiles(
  ws: Workspace,
  files: { name: string; bytes: Uint8Array }[],
  source: ModelSource,
  meta: { name: string; card: ModelCard | null; modelId: string; isSaved: boolean; overrides: BlockOverride[] },
): Promise<ModelView> {
  const validated = validateModelFiles(files, { name: meta.name });
  const model = await loadValidatedModel(validated);
  const baseGraph = buildBlockGraph(validated.flat, validated.name);
  const graph = applyOverrides(baseGraph, meta.overrides);
  const next: WorkspaceModel = { model, validated, baseGraph, graph, overrides: [...meta.overrides], card: meta.card, modelId: meta.modelId, source, files, isSaved: meta.isSaved };
  ws.setModel(next);
  return modelView(next);
}

function tryCard(bytes: Uint8Array): ModelCard | null {
  try {
    return parseModelCard(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

/** The dropped folder's name ('my-net/model.json' → 'my-net'), if the files came in one. */
function folderName(files: { name: string }[]): string | null {
  const parts = files[0]?.name.split('/') ?? [];
  return parts.length > 1 ? parts[0] : null;
}
