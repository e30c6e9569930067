import { batchQuery, relationParam } from '../../src/db/queries/batch';
import { MAX_RELATED, RELATIONS, type RelationName } from '../../src/db/queries/relations';

/**
 * The per-level batch statement (db/queries/batch.ts): node lookups plus one UNION ALL branch per
 * relation field. Snapshots in __snapshots__/batchCypher.test.ts.snap show its exact text.
 */

const show = (query: { name: string; cypher: string }) => ({ name: query.name, cypher: query.cypher });

describe('batchQuery', () => {
  it('nodes only', () => {
    const query = batchQuery(true, []);
    expect(query.name).toBe('batch(nodes+)');
    expect(query.cypher).not.toContain('UNION ALL');
    expect(show(query)).toMatchSnapshot();
  });

  it('one relation, no nodes', () => {
    const query = batchQuery(false, ['locatedIn']);
    expect(query.name).toBe('batch(locatedIn)');
    expect(query.cypher).toContain('UNWIND $ids_locatedIn AS id');
    expect(query.cypher).not.toContain('$nodeIds');
    expect(show(query)).toMatchSnapshot();
  });

  it('nodes and several relations: one branch each, relations sorted by name', () => {
    const query = batchQuery(true, ['stages', 'operatedBy', 'locatedIn']);
    expect(query.name).toBe('batch(nodes+locatedIn,operatedBy,stages)');
    expect(query.cypher.split('\nUNION ALL\n')).toHaveLength(4);
    const order = ['$nodeIds', '$ids_locatedIn', '$ids_operatedBy', '$ids_stages'].map((p) => query.cypher.indexOf(`UNWIND ${p} AS id`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(show(query)).toMatchSnapshot();
  });

  it('is cached: the same arguments give the same object, whatever the order or repetition of relations', () => {
    const first = batchQuery(true, ['operatedBy', 'locatedIn']);
    expect(batchQuery(true, ['operatedBy', 'locatedIn'])).toBe(first);
    expect(batchQuery(true, ['locatedIn', 'operatedBy', 'locatedIn'])).toBe(first);
    expect(batchQuery(false, ['operatedBy', 'locatedIn'])).not.toBe(first);
    expect(batchQuery(true, ['operatedBy'])).not.toBe(first);
  });

  it('names its id lists after the relations', () => {
    expect(relationParam('feedsOut')).toBe('ids_feedsOut');
  });

  describe('the branch of every relation field', () => {
    const names = Object.keys(RELATIONS) as RelationName[];

    it.each(names)('%s', (name) => {
      const spec = RELATIONS[name];
      const query = batchQuery(false, [name]);
      const types = spec.types.join('|');
      const arrow = spec.direction === 'out' ? `-[r:${types}]->` : `<-[r:${types}]-`;
      expect(query.cypher).toContain(`MATCH (n)${arrow}(m${'target' in spec ? `:${spec.target}` : ''})`);
      expect(query.cypher).toContain(`LIMIT ${MAX_RELATED}`);
      expect(query.cypher).toContain(`RETURN '${name}' AS part`);
      expect(show(query)).toMatchSnapshot();
    });
  });
});
