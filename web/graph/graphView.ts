import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { KIND_ORDER, KIND_STYLES } from './kinds';
import type { DrawnEntity, SupplyGraph } from './model';

const COLUMN_WIDTH = 230;
const ROW_HEIGHT = 84;

/** Second line of a node's label: where it sits relative to the centre. */
export function hopLabel(column: number): string {
  if (column === 0) return 'centre';
  const hops = `${Math.abs(column)} hop${Math.abs(column) === 1 ? '' : 's'}`;
  return column > 0 ? `${hops} downstream →` : `← ${hops} upstream`;
}

function shorten(name: string, max = 48): string {
  return name.length <= max ? name : `${name.slice(0, max - 1)}…`;
}

/** Columns by hop distance (upstream left, downstream right); within a column by kind, then name. */
function positions(entities: readonly DrawnEntity[]): Map<string, { x: number; y: number }> {
  const columns = new Map<number, DrawnEntity[]>();
  for (const e of entities) columns.set(e.column, [...(columns.get(e.column) ?? []), e]);
  const placed = new Map<string, { x: number; y: number }>();
  for (const [column, members] of columns) {
    members.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
    members.forEach((e, i) => placed.set(e.id, { x: column * COLUMN_WIDTH, y: (i - (members.length - 1) / 2) * ROW_HEIGHT }));
  }
  return placed;
}

/** The cytoscape drawing of a SupplyGraph; `onTap` gets the id of a clicked entity. */
export class GraphView {
  readonly cy: Core;

  constructor(container: HTMLElement, onTap: (id: string) => void) {
    this.cy = cytoscape({
      container,
      minZoom: 0.15,
      maxZoom: 2.5,
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(color)',
            shape: 'data(shape)' as never,
            label: 'data(label)',
            width: 26,
            height: 26,
            'border-width': 1,
            'border-color': '#37474f',
            'font-size': 12,
            color: '#263238',
            'text-wrap': 'wrap',
            'text-max-width': '180px',
            'text-valign': 'bottom',
            'text-margin-y': 4,
          },
        },
        { selector: 'node.centre', style: { width: 40, height: 40, 'border-width': 4, 'border-color': '#d81b60', 'font-weight': 'bold' } },
        { selector: 'node.expanded', style: { 'border-width': 3, 'border-style': 'double' } },
        { selector: 'node:selected', style: { 'overlay-color': '#d81b60', 'overlay-opacity': 0.2, 'overlay-padding': 6 } },
        {
          selector: 'edge',
          style: {
            width: 1.6,
            'curve-style': 'bezier',
            'line-color': '#90a4ae',
            'target-arrow-color': '#90a4ae',
            'target-arrow-shape': 'triangle',
            label: 'data(label)',
            'font-size': 10,
            color: '#455a64',
            'text-rotation': 'autorotate',
            'text-background-color': '#ffffff',
            'text-background-opacity': 0.85,
            'text-background-padding': '1px',
          },
        },
        { selector: 'edge[status = "PLANNED"], edge[status = "PILOT"]', style: { 'line-style': 'dashed', 'line-dash-pattern': [6, 4], 'line-color': '#f4511e', 'target-arrow-color': '#f4511e' } },
        { selector: 'edge[status = "HISTORICAL"], edge[status = "SUSPENDED"]', style: { 'line-style': 'dotted', 'line-color': '#bdbdbd', 'target-arrow-color': '#bdbdbd' } },
      ],
    });
    this.cy.on('tap', 'node', (event) => onTap(event.target.id() as string));
  }

  /** Redraws the graph: adds what is new, removes what is gone, lays every entity out in its column. */
  render(graph: SupplyGraph, expanded: ReadonlySet<string>): void {
    const entities = [...graph.entities.values()];
    const wanted: ElementDefinition[] = [
      ...entities.map((e) => ({
        group: 'nodes' as const,
        data: { id: e.id, label: `${shorten(e.name)}\n${hopLabel(e.column)}`, color: KIND_STYLES[e.kind].color, shape: KIND_STYLES[e.kind].shape, kind: e.kind },
        classes: [e.id === graph.centreId ? 'centre' : '', expanded.has(e.id) ? 'expanded' : ''].filter(Boolean),
      })),
      ...[...graph.links.values()].map((l) => ({
        group: 'edges' as const,
        data: { id: l.key, source: l.from, target: l.to, status: l.status, label: l.material ?? l.type.toLowerCase().replace('_', ' ') },
      })),
    ];
    const ids = new Set(wanted.map((w) => w.data.id));
    this.cy.batch(() => {
      this.cy.elements().filter((el) => !ids.has(el.id())).remove();
      for (const w of wanted) {
        const existing = this.cy.getElementById(w.data.id!);
        if (existing.nonempty()) {
          existing.data(w.data);
          if (w.group === 'nodes') existing.classes(w.classes as string[]);
        } else {
          this.cy.add(w);
        }
      }
    });
    const placed = positions(entities);
    this.cy.layout({ name: 'preset', positions: Object.fromEntries(placed), fit: true, padding: 40, animate: false }).run();
  }

  select(id: string): void {
    this.cy.nodes().unselect();
    this.cy.getElementById(id).select();
  }
}
