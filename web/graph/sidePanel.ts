import type { GraphEntityQuery } from '../../client/generated/graphql';
import { h } from './dom';
import { KIND_STYLES } from './kinds';

type AnyNode = NonNullable<GraphEntityQuery['node']>;
type EntityNode = Exclude<AnyNode, { __typename: 'Figure' | 'Source' }>;
type Row = readonly [label: string, value: string | number | null | undefined];

/** The rows particular to each kind of entity; empty values are dropped later. */
function kindRows(node: EntityNode): Row[] {
  switch (node.__typename) {
    case 'Facility':
      return [
        ['Kind', node.kind],
        ['Status', node.status],
        ['Start year', node.startYear],
        ['End year', node.endYear],
        ['Capacity', node.capacity && `${node.capacity.value.toLocaleString('en')} ${node.capacity.unit}`],
        ['Operator', node.operator?.name],
        ['Region', node.region?.name],
      ];
    case 'Deposit':
      return [
        ['Status', node.status],
        ['Commodity', node.commodity],
        ['Licence holder', node.holder?.name],
        ['Region', node.region?.name],
      ];
    case 'Company':
      return [
        ['Kind', node.kind],
        ['Country', node.country?.name],
      ];
    case 'Product':
      return [['Kind', node.kind]];
    case 'Element':
      return [
        ['Symbol', node.symbol],
        ['Atomic number', node.atomicNumber],
      ];
    case 'Region':
      return [
        ['Kind', node.kind],
        ['Part of', node.parent?.name],
      ];
    case 'SupplyChainStage':
      return [];
  }
}

function isEntity(node: AnyNode): node is EntityNode {
  return node.__typename !== 'Figure' && node.__typename !== 'Source';
}

/** Renders an entity's properties, details and sources into the side panel, `actions` under its name. */
export function renderEntity(target: HTMLElement, node: AnyNode, actions: HTMLElement): void {
  if (!isEntity(node)) {
    target.replaceChildren(h('p', {}, `${node.id} is a ${node.__typename}, not an entity.`));
    return;
  }
  const kind = KIND_STYLES[node.entityKind];
  const rows: Row[] = [['Id', node.id], ...kindRows(node), ['Confidence', node.confidence], ...node.details.map((d): Row => [d.key, d.value])];
  target.replaceChildren(
    h('h2', { id: 'entity-name' }, node.name),
    h('p', { class: 'kind' }, h('span', { class: 'swatch', style: `background:${kind.color}` }), kind.label),
    actions,
    h('p', { class: 'muted' }, node.aliases.length > 0 && `Also: ${node.aliases.join(', ')}`),
    h('p', {}, node.description),
    h(
      'table',
      { class: 'properties' },
      h(
        'tbody',
        {},
        ...rows
          .filter(([, value]) => value !== undefined && value !== null && value !== '')
          .map(([label, value]) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, String(value)))),
      ),
    ),
    h('h3', {}, `Sources (${node.sources.length})`),
    h(
      'ol',
      { class: 'sources', id: 'entity-sources' },
      ...node.sources.map((s) => {
        const byline = [s.publisher, s.date].filter(Boolean).join(', ');
        return h(
          'li',
          {},
          s.url ? h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer' }, s.title) : s.title,
          byline && h('span', { class: 'muted' }, ` — ${byline}`),
        );
      }),
    ),
  );
}
