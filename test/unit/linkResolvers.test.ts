import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../src/context';
import type { Executor } from '../../src/db/executor';
import { toEntityRecord, type RelationRecord } from '../../src/db/models';
import { createLoaders } from '../../src/loaders';
import { SupplyLink } from '../../src/resolvers/edges';

/**
 * A flow's `material` and `product` resolve without a promise when what they read came with the link
 * (its own material, or the product a compiled statement fetched with it): graphql-js then completes
 * the link, and every list and object above it, without awaiting. On the 1M graph's page operation
 * (fifty facilities with all their inputs) that was 1.15–1.30× the requests per second of the same
 * server with an async `material` (docs/performance.md). Only a product that must be loaded is a promise.
 */

const facility = (id: string) => toEntityRecord({ labels: ['Entity', 'Facility'], props: { id, name: id }, projected: true });
const oxide = toEntityRecord({ labels: ['Entity', 'Product'], props: { id: 'prod-oxide', name: 'Oxide', sourceIds: ['src-a'] }, projected: true });

function setUp(): { ctx: Context; reads: () => number } {
  let reads = 0;
  // The loaders' batch statement, decoded: the product as its row.
  const read = (): Promise<unknown[]> => {
    reads++;
    return Promise.resolve([{ part: 'node', id: 'prod-oxide', node: oxide }]);
  };
  return { ctx: { loaders: createLoaders({ read } as unknown as Executor) } as unknown as Context, reads: () => reads };
}

const flow = (props: Record<string, unknown>, named?: RelationRecord['named']): RelationRecord => ({ type: 'FEEDS', from: facility('fac-a'), to: facility('fac-b'), props: { key: 'k', ...props }, named });
const resolve = (field: 'material' | 'product', link: RelationRecord, ctx: Context): unknown =>
  (SupplyLink[field] as (parent: RelationRecord, args: object, ctx: Context, info: GraphQLResolveInfo) => unknown)(link, {}, ctx, {} as GraphQLResolveInfo);

describe('a flow resolves its material and product', () => {
  it('at once from its own material', () => {
    const { ctx, reads } = setUp();
    expect(resolve('material', flow({ material: 'NdPr oxide', product: 'prod-oxide' }), ctx)).toBe('NdPr oxide');
    expect(reads()).toBe(0);
  });

  it('at once from the product that came with it', () => {
    const { ctx, reads } = setUp();
    const link = flow({ product: 'prod-oxide' }, new Map([['prod-oxide', oxide]]));
    expect(resolve('material', link, ctx)).toBe('Oxide');
    expect(resolve('product', link, ctx)).toBe(oxide);
    expect(reads()).toBe(0);
  });

  it('later, through the node loader, from a product that did not come with it', async () => {
    const { ctx, reads } = setUp();
    const material = resolve('material', flow({ product: 'prod-oxide' }), ctx);
    expect(material).toBeInstanceOf(Promise);
    await expect(material).resolves.toBe('Oxide');
    expect(reads()).toBe(1);
  });
});
