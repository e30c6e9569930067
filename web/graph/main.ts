import type { Core } from 'cytoscape';
import { ClientError } from 'graphql-request';
import { api, ElementsQuery, EntityQuery, NeighbourhoodQuery, SearchQuery, SharesQuery } from './api';
import { byId, h } from './dom';
import { wireExports } from './downloads';
import type { ShareBreakdown } from './exports';
import { GraphView, hopLabel } from './graphView';
import { KIND_ORDER, KIND_STYLES } from './kinds';
import { followChanges, LiveStatus, type Change } from './live';
import { SupplyGraph } from './model';
import { SharesChart } from './sharesChart';
import { renderEntity } from './sidePanel';

declare global {
  interface Window {
    /** The cytoscape instance, for debugging in the console and for the browser tests. */
    graphPage?: { readonly cy: Core };
  }
}

/** The stages that can hold country shares (ids of the seed graph's SupplyChainStage nodes). */
const STAGES = [
  ['stage-mining', 'Mining'],
  ['stage-concentrate', 'Concentrate'],
  ['stage-separation', 'Separation / refining'],
  ['stage-metal-alloy', 'Metals / alloys'],
  ['stage-component', 'Magnets / components'],
] as const;

const searchInput = byId<HTMLInputElement>('search');
const searchResults = byId<HTMLUListElement>('search-results');
const hopsSelect = byId<HTMLSelectElement>('hops');
const yearSlider = byId<HTMLInputElement>('as-of');
const anyYear = byId<HTMLInputElement>('any-year');
const yearLabel = byId<HTMLOutputElement>('as-of-label');
const status = byId<HTMLElement>('status');
const panel = byId<HTMLElement>('entity');
const entityList = byId<HTMLOListElement>('entity-list');
const elementSelect = byId<HTMLSelectElement>('share-element');
const stageSelect = byId<HTMLSelectElement>('share-stage');

const view = new GraphView(byId('cy'), (id) => void expandAndShow(id));
window.graphPage = { cy: view.cy };
const chart = new SharesChart(byId('shares-chart'), byId('shares-caption'), byId('shares-table'));
const live = new LiveStatus(byId('live-state'), byId('live-notice'));

const state = {
  centre: null as string | null,
  maxHops: 6,
  asOf: null as number | null,
  /** Entities whose neighbours were added by a click, in click order (replayed when the year changes). */
  expanded: new Set<string>(),
  graph: null as SupplyGraph | null,
  /** Increases with every redraw from scratch, so a slow answer to an old one is ignored. */
  generation: 0,
  /** The entity in the side panel. */
  shown: null as string | null,
  /** The country shares charted. */
  shares: null as ShareBreakdown | null,
};

function say(message: string, isError = false): void {
  status.textContent = message;
  status.classList.toggle('error', isError);
}

function failure(error: unknown): string {
  if (error instanceof ClientError) return error.response.errors?.map((e) => e.message).join('; ') ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

async function neighbourhood(graph: SupplyGraph, id: string, maxHops: number): Promise<void> {
  const data = await api.request(NeighbourhoodQuery, { id, maxHops, asOf: state.asOf });
  graph.add(id, 1, data.dependents);
  graph.add(id, -1, data.dependencies);
}

/**
 * Draws the centre's neighbourhood from scratch (new centre, hops or year, a live change), then replays
 * the expansions. True when it drew: not overtaken by a later redraw, and no error.
 */
async function redraw(): Promise<boolean> {
  const centre = state.centre;
  if (!centre) return false;
  const generation = ++state.generation;
  say('Loading…');
  try {
    const first = await api.request(NeighbourhoodQuery, { id: centre, maxHops: state.maxHops, asOf: state.asOf });
    if (!first.centre || !('name' in first.centre)) throw new Error(`No entity has the id ${centre}`);
    const graph = new SupplyGraph({ id: centre, name: first.centre.name, kind: first.centre.entityKind });
    graph.add(centre, 1, first.dependents);
    graph.add(centre, -1, first.dependencies);
    for (const id of state.expanded) if (graph.entities.has(id)) await neighbourhood(graph, id, 1);
    if (generation !== state.generation) return false;
    state.graph = graph;
    draw();
    say(`${first.centre.name}: ${first.dependents.length} downstream, ${first.dependencies.length} upstream${state.asOf ? ` as of ${state.asOf}` : ' (planned included)'}.`);
    return true;
  } catch (error) {
    if (generation === state.generation) say(failure(error), true);
    return false;
  }
}

/** Redraws for live changes: one at a time; the changes that arrive meanwhile make one more after it. */
const liveRedraws = { running: false, next: null as Change | null };

/** A change to the graph: when it concerns an entity drawn (a link's ends count), redraw and say so. */
async function onChange(change: Change): Promise<void> {
  if (!change.entityIds.some((id) => state.graph?.entities.has(id))) return;
  if (state.shown && change.entityIds.includes(state.shown)) void showEntity(state.shown);
  liveRedraws.next = change;
  if (liveRedraws.running) return;
  liveRedraws.running = true;
  try {
    for (let next: Change | null = liveRedraws.next; next; next = liveRedraws.next) {
      liveRedraws.next = null;
      if (await redraw()) live.announce(next);
    }
  } finally {
    liveRedraws.running = false;
  }
}

function draw(): void {
  const graph = state.graph;
  if (!graph) return;
  view.render(graph, state.expanded);
  const entities = [...graph.entities.values()].sort((a, b) => a.column - b.column || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  byId('entity-count').textContent = String(entities.length);
  entityList.replaceChildren(
    ...entities.map((e) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', 'data-id': e.id, 'data-kind': e.kind, title: e.id },
          h('span', { class: 'swatch', style: `background:${KIND_STYLES[e.kind].color}` }),
          `${e.name} `,
          h('span', { class: 'muted' }, hopLabel(e.column)),
        ),
      ),
    ),
  );
  writeUrl();
}

async function focusOn(id: string): Promise<void> {
  state.centre = id;
  state.expanded.clear();
  searchResults.replaceChildren();
  await Promise.all([redraw(), showEntity(id)]);
}

/** A click on an entity: add its direct neighbours to the drawing and show it in the side panel. */
async function expandAndShow(id: string): Promise<void> {
  view.select(id);
  const details = showEntity(id);
  const graph = state.graph;
  if (graph && !state.expanded.has(id)) {
    state.expanded.add(id);
    try {
      await neighbourhood(graph, id, 1);
      if (graph === state.graph) draw();
      view.select(id);
    } catch (error) {
      say(failure(error), true);
    }
  }
  await details;
}

async function showEntity(id: string): Promise<void> {
  state.shown = id;
  try {
    const { node } = await api.request(EntityQuery, { id });
    if (!node) throw new Error(`No entity has the id ${id}`);
    const recentre = h('button', { type: 'button', id: 'recentre' }, 'Centre the graph here');
    recentre.addEventListener('click', () => void focusOn(id));
    renderEntity(panel, node, h('p', {}, id === state.centre ? null : recentre));
  } catch (error) {
    say(failure(error), true);
  }
}

let searchTimer: ReturnType<typeof setTimeout> | undefined;
let searchGeneration = 0;
async function search(text: string): Promise<void> {
  const generation = ++searchGeneration;
  if (text.trim().length < 2) {
    searchResults.replaceChildren();
    return;
  }
  try {
    const { search: hits } = await api.request(SearchQuery, { text });
    if (generation !== searchGeneration) return;
    searchResults.replaceChildren(
      ...(hits.length === 0
        ? [h('li', { class: 'muted' }, 'Nothing found')]
        : hits.map(({ entity }) => {
            const button = h('button', { type: 'button', 'data-id': entity.id }, h('span', { class: 'swatch', style: `background:${KIND_STYLES[entity.entityKind].color}` }), entity.name, h('span', { class: 'muted' }, ` ${KIND_STYLES[entity.entityKind].label}`));
            button.addEventListener('click', () => void focusOn(entity.id));
            return h('li', {}, button);
          })),
    );
  } catch (error) {
    say(failure(error), true);
  }
}

async function showShares(): Promise<void> {
  try {
    const element = elementSelect.value || null;
    const { supplyShares } = await api.request(SharesQuery, { stage: stageSelect.value, element });
    state.shares = supplyShares;
    chart.show(supplyShares);
  } catch (error) {
    say(failure(error), true);
  }
}

async function loadElements(): Promise<void> {
  const { elements } = await api.request(ElementsQuery);
  elementSelect.append(...elements.edges.map(({ node }) => h('option', { value: node.symbol }, `${node.name} (${node.symbol})`)));
}

function readYear(): void {
  state.asOf = anyYear.checked ? null : Number(yearSlider.value);
  yearLabel.textContent = state.asOf === null ? 'any year, planned included' : String(state.asOf);
}

function writeUrl(): void {
  const params = new URLSearchParams();
  if (state.centre) params.set('focus', state.centre);
  if (state.asOf !== null) params.set('asOf', String(state.asOf));
  if (state.maxHops !== 6) params.set('hops', String(state.maxHops));
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

function wire(): void {
  searchInput.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void search(searchInput.value), 200);
  });
  searchInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') searchResults.querySelector('button')?.click();
  });
  hopsSelect.addEventListener('change', () => {
    state.maxHops = Number(hopsSelect.value);
    void redraw();
  });
  yearSlider.addEventListener('input', () => {
    anyYear.checked = false;
    readYear();
  });
  yearSlider.addEventListener('change', () => void redraw());
  anyYear.addEventListener('change', () => {
    readYear();
    void redraw();
  });
  entityList.addEventListener('click', (event) => {
    const id = (event.target as HTMLElement).closest('button')?.dataset.id;
    if (id) void expandAndShow(id);
  });
  elementSelect.addEventListener('change', () => void showShares());
  stageSelect.addEventListener('change', () => void showShares());
  byId('legend').append(
    ...Object.values(KIND_STYLES).map((k) => h('li', {}, h('span', { class: 'swatch', style: `background:${k.color}` }), k.label)),
    h('li', {}, h('span', { class: 'line planned' }), 'planned link'),
    h('li', {}, h('span', { class: 'line' }), 'operating link'),
  );
  stageSelect.append(...STAGES.map(([value, label]) => h('option', { value }, label)));
  stageSelect.value = 'stage-separation';
  wireExports(
    { drawn: () => state.graph && { graph: state.graph, maxHops: state.maxHops, asOf: state.asOf }, shares: () => state.shares },
    (error) => say(failure(error), true),
  );
}

async function start(): Promise<void> {
  wire();
  followChanges((change) => void onChange(change), (liveState, detail) => live.show(liveState, detail));
  const params = new URLSearchParams(location.search);
  const asOf = params.get('asOf');
  if (asOf && /^\d{4}$/.test(asOf)) {
    yearSlider.value = asOf;
    anyYear.checked = false;
  }
  const hops = params.get('hops');
  if (hops && [...hopsSelect.options].some((o) => o.value === hops)) hopsSelect.value = hops;
  state.maxHops = Number(hopsSelect.value);
  readYear();
  await Promise.all([loadElements().then(showShares), params.get('focus') ? focusOn(params.get('focus')!) : say('Search for a deposit, plant, company, product or place.')]);
}

start().catch((error: unknown) => say(failure(error), true));
