import neo4j from 'neo4j-driver';
import { ENTITY_LABELS, type EntityKindName } from '../domain/graphModel';
import type { Executor } from './executor';
import { readFolded, type Fold } from './fold';
import type { EntityRecord, SearchHitRecord } from './models';
import { ELEMENT_BY_SYMBOL, SEARCH_ENTITIES, SEARCH_ENTITIES_OF_KINDS } from './queries/nodes';

/**
 * Turns a user's words into a Lucene query for the full-text index. Lucene syntax is a language of its
 * own, so the words are reduced to letters and digits first: no user character reaches the parser as an
 * operator. Each word matches exactly (boosted), as a prefix, or with one typo.
 */
export function toLuceneQuery(text: string): string | null {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 10);
  if (words.length === 0) return null;
  return words
    .map((w) => (w.length >= 4 ? `(${w}^3 OR ${w}*^2 OR ${w}~1)` : `(${w}^3 OR ${w}*)`))
    .join(' AND ');
}

/** Entities whose names or aliases match `text` (full-text, typo-tolerant), best first; none when nothing searchable is left. */
export async function searchEntities(db: Executor, text: string, kinds: readonly EntityKindName[], limit: number, fold?: Fold): Promise<SearchHitRecord[]> {
  const query = toLuceneQuery(text);
  if (query === null) return [];
  const params = { query, limit: neo4j.int(limit) };
  const rows =
    kinds.length === 0
      ? await readFolded(db, SEARCH_ENTITIES, 'node', params, fold)
      : await readFolded(db, SEARCH_ENTITIES_OF_KINDS, 'node', { ...params, labels: kinds.map((kind) => ENTITY_LABELS[kind]) }, fold);
  return rows.map((row) => ({ entity: row.node, score: row.score }));
}

/** The element with a chemical symbol, whatever its case (index `element_symbol`). */
export async function elementBySymbol(db: Executor, symbol: string, fold?: Fold): Promise<EntityRecord | null> {
  const [row] = await readFolded(db, ELEMENT_BY_SYMBOL, 'n', { symbol: symbol.toUpperCase() }, fold);
  return row?.node ?? null;
}
