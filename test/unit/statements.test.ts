import * as curation from '../../src/db/queries/curation';
import * as exporting from '../../src/db/queries/export';
import * as importing from '../../src/db/queries/import';
import * as nodes from '../../src/db/queries/nodes';
import * as schema from '../../src/db/queries/schema';
import * as content from '../../src/db/contentHash';
import * as audit from '../../src/db/queries/audit';
import * as capacity from '../../src/db/queries/capacity';
import * as seedUpgrade from '../../src/db/queries/seedUpgrade';
import { NODE_LABELS, RELATIONSHIP_TYPE_NAMES, type NodeLabel, type RelationshipType } from '../../src/domain/graphModel';

/**
 * Every named statement of the write API (curation), the import/seed writes, the export reads, the schema
 * commands, the node lookups and the content hash, with every builder called for every label and type it
 * accepts: its exact Cypher is in __snapshots__/statements.test.ts.snap.
 *
 * Each module's exports are enumerated: a new exported statement is snapshotted automatically, and a new
 * exported function fails the "accounts for every export" test until it is listed here as a builder
 * (with the arguments to snapshot it for) or as something that is not a statement.
 */

interface Statement {
  readonly name: string;
  readonly cypher: string;
}

const isStatement = (value: unknown): value is Statement =>
  typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string' && typeof (value as { cypher?: unknown }).cypher === 'string';

/** A statement, a list of statements or a record of statements, as a list; undefined for anything else. */
function statementsIn(value: unknown): Statement[] | undefined {
  if (isStatement(value)) return [value];
  const members = Array.isArray(value) ? value : value !== null && typeof value === 'object' ? Object.values(value) : [];
  return members.length > 0 && members.every(isStatement) ? members : undefined;
}


interface ModuleCase {
  readonly title: string;
  readonly exports: Record<string, unknown>;
  /** Exported functions that build statements, with every statement to snapshot. */
  readonly builders: Record<string, () => readonly Statement[]>;
  /** Exported values that are not statements (runners, helpers). */
  readonly other: readonly string[];
}

const MODULES: readonly ModuleCase[] = [
  {
    title: 'db/queries/curation',
    exports: curation,
    builders: {
      relationshipState: () => RELATIONSHIP_TYPE_NAMES.map(curation.relationshipState),
      deleteRelationships: () => RELATIONSHIP_TYPE_NAMES.map(curation.deleteRelationships),
    },
    other: [],
  },
  {
    title: 'db/queries/import',
    exports: importing,
    builders: {
      // It returns one of the two node statements exported beside it.
      upsertNodes: () => [],
      upsertRelationships: () => RELATIONSHIP_TYPE_NAMES.map(importing.upsertRelationships),
    },
    other: [],
  },
  { title: 'db/queries/export', exports: exporting, builders: {}, other: [] },
  { title: 'db/queries/schema', exports: schema, builders: {}, other: [] },
  { title: 'db/queries/nodes', exports: nodes, builders: {}, other: [] },
  { title: 'db/queries/capacity', exports: capacity, builders: {}, other: [] },
  { title: 'db/queries/seedUpgrade', exports: seedUpgrade, builders: {}, other: [] },
  { title: 'db/queries/audit', exports: audit, builders: {}, other: ['CHANGES_ORDER', 'CHANGES_PAGE'] },
  { title: 'db/contentHash', exports: content, builders: {}, other: ['contentLines', 'contentHash'] },
];

/** Every statement of a module: exported statements (alone, in lists, in records) and what its builders build. */
function statementsOf(module: ModuleCase): Statement[] {
  const found: Statement[] = [];
  for (const [name, value] of Object.entries(module.exports)) {
    if (module.other.includes(name)) continue;
    const build = module.builders[name];
    const statements = typeof value === 'function' && build ? build() : statementsIn(value);
    if (statements) found.push(...statements);
  }
  return found;
}

describe.each(MODULES)('statements of $title', (module) => {
  const statements = statementsOf(module);

  it('accounts for every export: a statement, a builder listed here, or listed as not a statement', () => {
    const unaccounted = Object.entries(module.exports)
      .filter(([name, value]) => !module.other.includes(name) && !(typeof value === 'function' && name in module.builders) && !statementsIn(value))
      .map(([name]) => name);
    expect(unaccounted).toEqual([]);
    expect(Object.keys(module.builders).filter((name) => typeof module.exports[name] !== 'function')).toEqual([]);
  });

  it('names each statement uniquely and builds clean text', () => {
    expect(statements.length).toBeGreaterThan(0);
    expect(new Set(statements.map((s) => s.name)).size).toBe(statements.length);
    for (const { cypher } of statements) {
      expect(cypher.trim().length).toBeGreaterThan(0);
      expect(cypher).not.toMatch(/undefined|\$\{|\[object /);
    }
  });

  it.each(statements.map((s) => [s.name, s] as const))('%s', (_name, statement) => {
    expect({ name: statement.name, cypher: statement.cypher }).toMatchSnapshot();
  });
});

describe('builders', () => {
  it('write entities of every label with one statement, its label checked against the allow-list; figures with their own', () => {
    for (const label of NODE_LABELS) {
      const query = importing.upsertNodes(label);
      expect(query).toBe(label === 'Figure' ? importing.UPSERT_FIGURES : importing.UPSERT_ENTITIES);
      if (label !== 'Figure') expect(importing.UPSERT_ENTITIES.cypher).toContain(`'${label}'`);
    }
    expect(importing.UPSERT_ENTITIES.cypher).toContain("WITH row WHERE row.label IN ['Element', 'Deposit', 'Region', 'Company', 'Facility', 'Product', 'SupplyChainStage']\nMERGE (n:Entity {id: row.id})");
    expect(importing.UPSERT_FIGURES.cypher).toContain('MERGE (n:Figure {id: row.id})');
    for (const type of RELATIONSHIP_TYPE_NAMES) expect(importing.CREATE_RELATIONSHIPS.cypher).toContain(`'${type}'`);
  });

  it('write each relationship type MERGEd on its key between its ends (HAS_FIGURE ends at a :Figure)', () => {
    for (const type of RELATIONSHIP_TYPE_NAMES) {
      const cypher = importing.upsertRelationships(type).cypher;
      expect(cypher).toContain(`MERGE (a)-[r:${type} {key: row.key}]->(b)`);
      expect(cypher).toContain(type === 'HAS_FIGURE' ? 'MATCH (b:Figure {id: row.to})' : 'MATCH (b:Entity {id: row.to})');
      expect(curation.relationshipState(type).cypher).toContain(`-[r:${type} {key: $key}]->`);
      expect(curation.deleteRelationships(type).cypher).toContain(`-[r:${type}]->`);
    }
  });

  it('refuse a label or a type outside the allow-list instead of building text from it', () => {
    expect(() => importing.upsertNodes('Change' as NodeLabel)).toThrow(/no write statement for label Change/);
    expect(() => importing.upsertRelationships('KNOWS' as RelationshipType)).toThrow(/no write statement for relationship type KNOWS/);
  });

  it('lock entities and figures with their own statements', () => {
    expect(curation.LOCK.Entity.cypher).toContain('MATCH (n:Entity {id: id})');
    expect(curation.LOCK.Figure.cypher).toContain('MATCH (n:Figure {id: id})');
    expect(curation.LOCK_OR_PLACEHOLD.Entity.cypher).toContain('MERGE (n:Entity {id: $id})');
    expect(curation.LOCK_OR_PLACEHOLD.Figure.cypher).toContain('MERGE (n:Figure {id: $id})');
  });

  it('name each schema statement after its constraint or index', () => {
    expect(schema.SCHEMA_STATEMENTS.map((s) => s.name)).toContain('schema.entity_id');
    for (const statement of schema.SCHEMA_STATEMENTS) expect(statement.cypher).toContain(` ${statement.name.replace('schema.', '')} IF NOT EXISTS`);
  });
});
