/** Dagre layout as plain data: nodes and edges in, positioned boxes and edge polylines out. */
import { graphlib, layout } from '@dagrejs/dagre';
import { SIZES } from '../../theme';

/** A box to place; width and height in px. */
export interface LayoutNodeInput {
  id: string;
  width: number;
  height: number;
}

/** A directed edge; a label box of labelWidth × labelHeight px gets its own position when given. */
export interface LayoutEdgeInput {
  id: string;
  from: string;
  to: string;
  labelWidth?: number;
  labelHeight?: number;
}

export interface Point {
  x: number;
  y: number;
}

/** A placed box: (x, y) is its top-left corner in px. */
export type PlacedNode<N extends LayoutNodeInput = LayoutNodeInput> = N & { x: number; y: number };

/** A routed edge: polyline points in px, and the centre of its label when it has one. */
export type PlacedEdge<E extends LayoutEdgeInput = LayoutEdgeInput> = E & { points: Point[]; label: Point | null };

/** The laid-out graph; width and height in px include the margins. Extra input fields are kept. */
export interface GraphLayout<N extends LayoutNodeInput = LayoutNodeInput, E extends LayoutEdgeInput = LayoutEdgeInput> {
  width: number;
  height: number;
  nodes: PlacedNode<N>[];
  edges: PlacedEdge<E>[];
}

export interface LayoutOptions {
  /** Flow direction: left→right or top→bottom. */
  direction?: 'LR' | 'TB';
  /** Gap between nodes in one rank and between ranks, px. */
  nodeGap?: number;
  rankGap?: number;
  margin?: number;
}

/** Lays out a small DAG with dagre; the same input always gives the same coordinates. */
export function layoutGraph<N extends LayoutNodeInput, E extends LayoutEdgeInput>(nodes: readonly N[], edges: readonly E[], options: LayoutOptions = {}): GraphLayout<N, E> {
  const g = new graphlib.Graph({ multigraph: true });
  const margin = options.margin ?? 8;
  g.setGraph({ rankdir: options.direction ?? 'LR', nodesep: options.nodeGap ?? 24, ranksep: options.rankGap ?? 48, marginx: margin, marginy: margin });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) g.setEdge(e.from, e.to, { width: e.labelWidth ?? 0, height: e.labelHeight ?? 0, labelpos: 'c' }, e.id);
  layout(g);
  const placedNodes = nodes.map((n): PlacedNode<N> => {
    const label = g.node(n.id) as { x: number; y: number };
    return { ...n, x: label.x - n.width / 2, y: label.y - n.height / 2 };
  });
  const placedEdges = edges.map((e): PlacedEdge<E> => {
    const label = g.edge({ v: e.from, w: e.to, name: e.id }) as { points?: Point[]; x?: number; y?: number };
    const hasLabel = (e.labelWidth ?? 0) > 0 && label.x !== undefined && label.y !== undefined;
    return { ...e, points: (label.points ?? []).map((p) => ({ x: p.x, y: p.y })), label: hasLabel ? { x: label.x!, y: label.y! } : null };
  });
  return fitToOrigin(placedNodes, placedEdges, margin);
}

/** Shifts everything so the drawing (boxes, edge points, labels) starts at `margin` and measures its extent; dagre's own size can miss curved edges. */
function fitToOrigin<N extends LayoutNodeInput, E extends LayoutEdgeInput>(nodes: PlacedNode<N>[], edges: PlacedEdge<E>[], margin: number): GraphLayout<N, E> {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const n of nodes) xs.push(n.x, n.x + n.width), ys.push(n.y, n.y + n.height);
  for (const e of edges) {
    for (const p of e.points) xs.push(p.x), ys.push(p.y);
    if (e.label) xs.push(e.label.x - (e.labelWidth ?? 0) / 2, e.label.x + (e.labelWidth ?? 0) / 2), ys.push(e.label.y - (e.labelHeight ?? 0) / 2, e.label.y + (e.labelHeight ?? 0) / 2);
  }
  if (xs.length === 0) return { width: 0, height: 0, nodes, edges };
  const dx = margin - Math.min(...xs);
  const dy = margin - Math.min(...ys);
  const shift = (p: Point): Point => ({ x: p.x + dx, y: p.y + dy });
  return {
    width: Math.max(...xs) + dx + margin,
    height: Math.max(...ys) + dy + margin,
    nodes: nodes.map((n) => ({ ...n, ...shift(n) })),
    edges: edges.map((e) => ({ ...e, points: e.points.map(shift), label: e.label ? shift(e.label) : null })),
  };
}

/** SVG path through dagre's edge points, smoothed with quadratic joins (stays inside the points' hull). */
export function edgePath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  if (points.length < 3) return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  let d = `M${points[0].x.toFixed(1)},${points[0].y.toFixed(1)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const mid = { x: (points[i].x + points[i + 1].x) / 2, y: (points[i].y + points[i + 1].y) / 2 };
    const end = i === points.length - 2 ? points[i + 1] : mid;
    d += ` Q${points[i].x.toFixed(1)},${points[i].y.toFixed(1)} ${end.x.toFixed(1)},${end.y.toFixed(1)}`;
  }
  return d;
}

/** Width in px that a one-line label of `text` needs at the theme font size (estimate, no DOM). */
export function textWidth(text: string, padding = 12): number {
  return Math.ceil(text.length * SIZES.charWidthPx + padding);
}
