import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import type { GraphSharesQuery } from '../../client/generated/graphql';
import { h } from './dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

type Breakdown = GraphSharesQuery['supplyShares'];

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A horizontal bar per country (computed shares lighter), with the same figures as a table for screen readers. */
export class SharesChart {
  private chart: Chart<'bar'> | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly caption: HTMLElement,
    private readonly table: HTMLTableElement,
  ) {}

  show(breakdown: Breakdown): void {
    const { shares } = breakdown;
    this.caption.textContent =
      shares.length === 0
        ? `No country shares recorded for ${breakdown.commodity} at ${breakdown.stage.name}.`
        : `${capitalise(breakdown.commodity)}, ${breakdown.stage.name}, ${breakdown.year ?? 'latest'}: HHI ${breakdown.hhi?.toFixed(0) ?? '–'}, ${breakdown.coveredPct.toFixed(0)}% of the total attributed.`;
    this.table.tBodies[0]!.replaceChildren(
      ...shares.map((s) => h('tr', {}, h('th', { scope: 'row' }, s.country.name), h('td', {}, `${s.sharePct}%${s.derived ? ' (computed)' : ''}`))),
    );
    this.chart?.destroy();
    this.chart = new Chart(this.canvas, {
      type: 'bar',
      data: {
        labels: shares.map((s) => s.country.name),
        datasets: [
          {
            label: 'Share (%)',
            data: shares.map((s) => s.sharePct),
            backgroundColor: shares.map((s) => (s.derived ? '#90caf9' : '#1e88e5')),
          },
        ],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { min: 0, max: 100, title: { display: true, text: '% of world' } }, y: { ticks: { autoSkip: false } } },
        plugins: { tooltip: { callbacks: { label: (item) => `${item.formattedValue}%` } } },
      },
    });
  }
}
