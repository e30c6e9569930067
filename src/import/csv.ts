import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import type { NodeLabel } from '../domain/graphModel';
import { NODE_SCHEMAS, RELATIONSHIP_SCHEMA, SourceSchema, type SeedRecord } from '../domain/records';
import type { ImportProblem } from '../domain/validate';

/**
 * CSV files of the bulk import, one per node label (`nodes/<Label>.csv`), relationship type
 * (`relationships/<TYPE>.csv`) or for the sources (`sources.csv`). The header names the fields of the
 * seed JSON records:
 *
 * - a column per field (`id,name,kind,status,startYear,…,sources`), any order; an empty cell leaves the
 *   field out (so its default applies, or "required" is reported);
 * - list fields (`aliases`, `sources`) hold their items separated by `|`;
 * - object fields have a column per member (`capacity.value`, `capacity.unit`), and `details.<key>`
 *   columns fill `details` (any key);
 * - relationship files take `from`, `to`, the known fields, an optional `key`, and any further column as
 *   a property of the relationship;
 * - cells are converted by the field's schema: numbers and booleans (`true`/`false`) where the schema
 *   wants them (a cell that is not one stays text, and validation names it); `details.*` and extra
 *   relationship columns become a number when the cell is a number, a boolean for `true`/`false`, text
 *   otherwise.
 *
 * Records carry the CSV line they start on (the header is line 1), so problems name the line an editor
 * shows.
 */

/** What one CSV file holds; a label or type outside the allow-list reads as text and is reported by validation. */
export type CsvContent = { readonly kind: 'sources' } | { readonly kind: 'nodes'; readonly label: string } | { readonly kind: 'relationships'; readonly type: string };

type FieldKind = 'text' | 'number' | 'boolean' | 'list' | 'inferred' | { readonly members: Readonly<Record<string, FieldKind>>; readonly open: boolean };

interface SchemaDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly catchall?: z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => schema.def as unknown as SchemaDef;
const WRAPPERS = new Set(['optional', 'default', 'nullable', 'prefault', 'readonly']);

function unwrap(schema: z.ZodType): { def: SchemaDef; required: boolean } {
  let def = defOf(schema);
  let required = true;
  while (WRAPPERS.has(def.type) && def.innerType) {
    if (def.type !== 'nullable') required = false;
    def = defOf(def.innerType);
  }
  return { def, required };
}

function kindOf(def: SchemaDef): FieldKind {
  switch (def.type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return 'list';
    case 'record':
      return { members: {}, open: true };
    case 'object':
      return { members: Object.fromEntries(Object.entries(def.shape ?? {}).map(([k, v]) => [k, kindOf(unwrap(v).def)])), open: false };
    case 'string':
    case 'enum':
      return 'text';
    default:
      return 'inferred';
  }
}

interface Layout {
  readonly fields: Readonly<Record<string, FieldKind>>;
  readonly required: readonly string[];
  /** Columns outside `fields` are properties (relationships). */
  readonly open: boolean;
}

function layoutOf(schema: z.ZodType, extra: Readonly<Record<string, FieldKind>> = {}): Layout {
  const def = unwrap(schema).def;
  const entries = Object.entries(def.shape ?? {}).map(([name, field]) => ({ name, ...unwrap(field) }));
  return {
    fields: { ...Object.fromEntries(entries.map((e) => [e.name, kindOf(e.def)])), ...extra },
    required: entries.filter((e) => e.required).map((e) => e.name),
    open: def.catchall !== undefined,
  };
}

function layoutFor(content: CsvContent): Layout | null {
  if (content.kind === 'sources') return layoutOf(SourceSchema);
  if (content.kind === 'relationships') return layoutOf(RELATIONSHIP_SCHEMA, { key: 'text' });
  return Object.prototype.hasOwnProperty.call(NODE_SCHEMAS, content.label) ? layoutOf(NODE_SCHEMAS[content.label as NodeLabel]) : null;
}

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;

function convert(cell: string, kind: FieldKind): unknown {
  switch (kind) {
    case 'number':
      return NUMBER.test(cell) ? Number(cell) : cell;
    case 'boolean':
      return /^(true|false)$/i.test(cell) ? cell.toLowerCase() === 'true' : cell;
    case 'list':
      return cell
        .split('|')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
    case 'inferred':
      if (NUMBER.test(cell)) return Number(cell);
      return /^(true|false)$/i.test(cell) ? cell.toLowerCase() === 'true' : cell;
    default:
      return cell;
  }
}

/** How a column fills a record: the path of the field and the kind of its cells, or why it cannot. */
function columnOf(name: string, layout: Layout | null): { path: string[]; kind: FieldKind } | { unknown: string } {
  const parts = name.split('.');
  if (!layout) return { path: parts, kind: 'text' };
  const [head, member, ...rest] = parts;
  const field = layout.fields[head ?? ''];
  if (field === undefined) return layout.open && member === undefined ? { path: [name], kind: 'inferred' } : { unknown: `unknown column (expected ${Object.keys(layout.fields).join(', ')})` };
  if (member === undefined) return typeof field === 'object' ? { unknown: `give ${head} as ${head}.<member> columns` } : { path: [name], kind: field };
  if (typeof field !== 'object' || rest.length > 0) return { unknown: `"${head}" has no members` };
  const kind = field.members[member] ?? (field.open ? 'inferred' : undefined);
  return kind === undefined ? { unknown: `unknown member (expected ${Object.keys(field.members).join(', ')})` } : { path: [head!, member], kind };
}

export interface CsvRead {
  readonly records: SeedRecord<unknown>[];
  readonly problems: ImportProblem[];
}

interface ParsedRow {
  readonly record: string[];
  readonly raw: string;
  readonly info: { readonly lines: number };
}

/** The line a parsed row starts on: the line it ends on, less the line breaks inside it (skipped blank lines excluded). */
function startLine(row: ParsedRow): number {
  const text = row.raw.replace(/^\n+/, '').replace(/\n$/, '');
  return row.info.lines - (text.match(/\n/g)?.length ?? 0);
}

/**
 * Reads one CSV file into records of the seed format. Problems of the file itself (malformed CSV,
 * unknown or missing columns, rows with the wrong number of cells) are returned here; the records are
 * validated like any other (see `checkSeed`).
 */
export function readCsv(file: string, text: string, content: CsvContent): CsvRead {
  const problems: ImportProblem[] = [];
  // Line breaks become \n first: csv-parse miscounts lines for \r\n inside quoted cells.
  const rows = parse(text.replace(/\r\n?/g, '\n'), {
    bom: true,
    raw: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (error: { message: string; lines?: number } | undefined) => {
      if (error) problems.push({ file, line: error.lines ?? 0, field: null, reason: `malformed CSV: ${error.message}` });
    },
  }) as unknown as ParsedRow[];
  const [header, ...body] = rows;
  if (!header) return { records: [], problems: [...problems, { file, line: 0, field: null, reason: 'no header line' }] };
  const headerLine = startLine(header);
  const layout = layoutFor(content);
  const names = header.record.map((name) => name.trim());
  const columns = names.map((name, i) => {
    if (name === '' || names.indexOf(name) !== i) {
      problems.push({ file, line: headerLine, field: name || null, reason: name === '' ? `column ${i + 1} has no name` : 'duplicate column' });
      return null;
    }
    const column = columnOf(name, layout);
    if ('unknown' in column) {
      problems.push({ file, line: headerLine, field: name, reason: column.unknown });
      return null;
    }
    return column;
  });
  const missing = (layout?.required ?? []).filter((field) => !names.includes(field));
  for (const field of missing) problems.push({ file, line: headerLine, field, reason: 'required column missing' });
  // Without a required column every row would fail the same way: the header problem says it once.
  if (missing.length > 0) return { records: [], problems };

  const records = body.flatMap((row, i): SeedRecord<unknown>[] => {
    const line = startLine(row);
    if (row.record.length !== names.length) {
      problems.push({ file, line, field: null, reason: `${row.record.length} cells, expected ${names.length} (one per column)` });
      return [];
    }
    const data: Record<string, unknown> = {};
    row.record.forEach((value, c) => {
      const column = columns[c];
      const cell = value.trim();
      if (!column || cell === '') return;
      const [head, member] = column.path as [string, string | undefined];
      if (member === undefined) data[head] = convert(cell, column.kind);
      else data[head] = { ...(data[head] as Record<string, unknown> | undefined), [member]: convert(cell, column.kind) };
    });
    return [{ file, index: i + 1, line, data }];
  });
  return { records, problems };
}
