import type { EntityKind, GraphDependencyFragment, LinkStatus, LinkType } from '../../client/generated/graphql';

/**
 * What the page has drawn, independent of cytoscape: entities placed in columns by signed hop distance
 * from the centre (negative: upstream, positive: downstream) and the supply links between them.
 */
export interface DrawnEntity {
  readonly id: string;
  readonly name: string;
  readonly kind: EntityKind;
  /** Hops from the centre: < 0 upstream (what it depends on), > 0 downstream (what depends on it). */
  readonly column: number;
}

export interface DrawnLink {
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly type: LinkType;
  readonly material: string | null;
  readonly status: LinkStatus;
  /** Ids of the sources citing the link (their titles and URLs are fetched for an export). */
  readonly sourceIds: readonly string[];
}

export class SupplyGraph {
  readonly entities = new Map<string, DrawnEntity>();
  readonly links = new Map<string, DrawnLink>();
  readonly centreId: string;

  constructor(centre: { id: string; name: string; kind: EntityKind }) {
    this.centreId = centre.id;
    this.entities.set(centre.id, { ...centre, column: 0 });
  }

  /**
   * Adds the result of `dependents` (direction +1) or `dependencies` (-1) of `originId`: every path's
   * entities and links. An entity already drawn keeps its column (the first one found is the nearest).
   */
  add(originId: string, direction: 1 | -1, dependencies: readonly GraphDependencyFragment[]): void {
    const origin = this.entities.get(originId);
    if (!origin) throw new Error(`${originId} is not drawn`);
    for (const { path } of dependencies) {
      path.nodes.forEach((node, i) => {
        if (!this.entities.has(node.id)) {
          this.entities.set(node.id, { id: node.id, name: node.name, kind: node.entityKind, column: origin.column + direction * i });
        }
      });
      for (const link of path.links) {
        const key = `${link.from.id}|${link.type}|${link.to.id}|${link.material ?? ''}`;
        this.links.set(key, { key, from: link.from.id, to: link.to.id, type: link.type, material: link.material ?? null, status: link.status, sourceIds: link.sources.map((s) => s.id) });
      }
    }
  }
}
