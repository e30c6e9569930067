import { api, ExportSourcesQuery } from './api';
import { byId, h } from './dom';
import { fileName, graphCsv, graphExport, sharesCsv, type ShareBreakdown, type SourceIndex, type SourceRef } from './exports';
import type { SupplyGraph } from './model';

/** `nodes(ids:)` answers at most this many ids a request. */
const IDS_PER_REQUEST = 100;

/** The sources of every drawn entity, and the title and URL of every source a drawn link cites. */
async function fetchSources(graph: SupplyGraph): Promise<SourceIndex> {
  const ids = [...graph.entities.keys(), ...new Set([...graph.links.values()].flatMap((l) => l.sourceIds))];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) chunks.push(ids.slice(i, i + IDS_PER_REQUEST));
  const answers = await Promise.all(chunks.map((chunk) => api.request(ExportSourcesQuery, { ids: chunk })));
  const ofEntity = new Map<string, readonly SourceRef[]>();
  const byId = new Map<string, SourceRef>();
  for (const node of answers.flatMap((a) => a.nodes)) {
    if (node?.__typename === 'Source') byId.set(node.id, { id: node.id, title: node.title, url: node.url });
    else if (node && 'sources' in node) {
      ofEntity.set(node.id, node.sources);
      for (const source of node.sources) byId.set(source.id, source);
    }
  }
  return { ofEntity, byId };
}

/** Saves `text` as a file, through a Blob URL and an anchor's `download` attribute. */
function download(name: string, type: string, text: string): void {
  const href = URL.createObjectURL(new Blob([text], { type }));
  const anchor = h('a', { href, download: name, hidden: '' });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download reads the blob after this task; its URL is freed once that surely happened.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** What the page holds to export: what it draws, and the country shares it charts. */
export interface Exportable {
  drawn(): { readonly graph: SupplyGraph; readonly maxHops: number; readonly asOf: number | null } | null;
  shares(): ShareBreakdown | null;
}

/** The four export buttons of index.html; `onError` gets what went wrong (nothing drawn, a failed request). */
export function wireExports(page: Exportable, onError: (error: unknown) => void): void {
  const onClick = (id: string, run: () => Promise<void> | void) =>
    byId<HTMLButtonElement>(id).addEventListener('click', () => {
      Promise.resolve()
        .then(run)
        .catch(onError);
    });
  const drawn = async () => {
    const view = page.drawn();
    if (!view) throw new Error('Nothing is drawn yet: search for an entity first');
    return graphExport(view.graph, view, await fetchSources(view.graph));
  };
  const shares = () => {
    const breakdown = page.shares();
    if (!breakdown) throw new Error('No country shares are charted yet');
    return { breakdown, name: ['shares', breakdown.stage.id, breakdown.commodity, breakdown.year ?? 'latest'] };
  };
  onClick('export-graph-csv', async () => {
    const data = await drawn();
    download(fileName(['graph', data.centre, data.asOf], 'csv'), 'text/csv;charset=utf-8', graphCsv(data));
  });
  onClick('export-graph-json', async () => {
    const data = await drawn();
    download(fileName(['graph', data.centre, data.asOf], 'json'), 'application/json', `${JSON.stringify(data, null, 2)}\n`);
  });
  onClick('export-shares-csv', () => {
    const { breakdown, name } = shares();
    download(fileName(name, 'csv'), 'text/csv;charset=utf-8', sharesCsv(breakdown));
  });
  onClick('export-shares-json', () => {
    const { breakdown, name } = shares();
    download(fileName(name, 'json'), 'application/json', `${JSON.stringify(breakdown, null, 2)}\n`);
  });
}
