/**
 * Chart.js set-up shared by the viz components: registers only the controllers, elements,
 * scales and plugins the lab uses (tree-shakeable), and sets quiet defaults for screenshots.
 */
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartType, type Plugin,
} from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import { INK, SIZES } from '../../theme';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, MatrixController, MatrixElement);
Chart.defaults.animation = false;
Chart.defaults.color = INK.text;
Chart.defaults.borderColor = INK.grid;
Chart.defaults.font.size = SIZES.fontPx;
Chart.defaults.maintainAspectRatio = false;

export { Chart };

/** Scales chart text (projector mode); charts created afterwards use it, so callers re-create theirs. */
export function setChartTextScale(scale: number): void {
  Chart.defaults.font.size = Math.round(SIZES.fontPx * scale);
}

/** A label for each matrix cell: text and its colour, or null to leave the cell blank. */
export type CellLabel = (datasetIndex: number, index: number) => { text: string; color: string } | null;

/** A plugin that writes a short text in the centre of each matrix cell (values readable without colour). */
export function cellLabelPlugin(label: CellLabel): Plugin<ChartType> {
  return {
    id: 'cellLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.font = `${(Chart.defaults.font.size ?? SIZES.fontPx) - 1}px system-ui, sans-serif`;
      chart.data.datasets.forEach((_, d) => {
        chart.getDatasetMeta(d).data.forEach((element, i) => {
          const cell = label(d, i);
          if (!cell) return;
          const { x, y, width, height } = element.getProps(['x', 'y', 'width', 'height'], true) as { x: number; y: number; width: number; height: number };
          if (width < 18 || height < 12) return;
          ctx.fillStyle = cell.color;
          ctx.fillText(cell.text, x + width / 2, y + height / 2);
        });
      });
      ctx.restore();
    },
  };
}
