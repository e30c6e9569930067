import { decodeCursor, encodeCursor } from '../../src/db/cursor';
import { toLuceneQuery } from '../../src/db/search';

describe('keyset cursors', () => {
  it('round-trips the sort key and id', () => {
    const cursor = encodeCursor({ sort: 'Facility:NAME', key: 'Glazov', id: 'fac-glazov-magnet' });
    expect(decodeCursor(cursor, 'Facility:NAME', 'after')).toEqual({ sort: 'Facility:NAME', key: 'Glazov', id: 'fac-glazov-magnet' });
  });

  it('rejects garbage and cursors of another sort order with BAD_USER_INPUT', () => {
    expect(() => decodeCursor('not-a-cursor', 'Facility:NAME', 'after')).toThrow(/"after" is not a cursor/);
    const other = encodeCursor({ sort: 'Facility:START_YEAR', key: 2028, id: 'x' });
    expect(() => decodeCursor(other, 'Facility:NAME', 'after')).toThrow(/issued for sort Facility:START_YEAR/);
    expect(() => decodeCursor('%%%', 'Facility:NAME', 'before')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { argument: 'before' } }));
  });
});

describe('toLuceneQuery', () => {
  it('makes each word exact, prefix or one typo away', () => {
    expect(toLuceneQuery('Tastig')).toBe('(tastig^3 OR tastig*^2 OR tastig~1)');
  });

  it('folds diacritics and drops every Lucene operator character', () => {
    expect(toLuceneQuery('Sillamäe')).toBe('(sillamae^3 OR sillamae*^2 OR sillamae~1)');
    const hostile = toLuceneQuery('a" OR *:* AND (x~ ^9 \\ / [] {} && || ! :') ?? '';
    expect(hostile).not.toMatch(/[":\\/[\]{}!&|]/);
  });

  it('returns null when nothing searchable is left', () => {
    expect(toLuceneQuery('*** ???')).toBeNull();
  });
});
