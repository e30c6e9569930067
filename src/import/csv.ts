import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { isNodeLabel } from '../domain/graphModel';
import { isRecord } from '../domain/guards';
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

/** The schema inside optional, default, nullable, prefault and readonly wrappers; required unless one of them (not nullable) makes it optional. */
function unwrap(schema: z.core.$ZodType): { inner: z.core.$ZodType; required: boolean } {
  let inner = schema;
  let required = true;
  for (;;) {
    if (inner instanceof z.ZodNullable) inner = inner.def.innerType;
    else if (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault || inner instanceof z.ZodReadonly) {
      required = false;
      inner = inner.def.innerType;
    } else return { inner, required };
  }
}

function kindOf(schema: z.core.$ZodType): FieldKind {
  if (schema instanceof z.ZodNumber) return 'number';
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodArray) return 'list';
  if (schema instanceof z.ZodRecord) return { members: {}, open: true };
  if (schema instanceof z.ZodObject) return { members: Object.fromEntries(Object.entries(schema.shape).map(([k, v]) => [k, kindOf(unwrap(v).inner)])), open: false };
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return 'text';
  return 'inferred';
}

interface Layout {
  readonly fields: Readonly<Record<string, FieldKind>>;
  readonly required: readonly string[];
  /** Columns outside `fields` are properties (relationships). */
  readonly open: boolean;
}

function layoutOf(schema: z.core.$ZodType, extra: Readonly<Record<string, FieldKind>> = {}): Layout {
  const { inner } = unwrap(schema);
  const object = inner instanceof z.ZodObject ? inner : undefined;
  const entries = Object.entries(object?.shape ?? {}).map(([name, field]) => ({ name, ...unwrap(field) }));
  return {
    fields: { ...Object.fromEntries(entries.map((e) => [e.name, kindOf(e.inner)])), ...extra },
    required: entries.filter((e) => e.required).map((e) => e.name),
    open: object?.def.catchall !== undefined,
  };
}

function layoutFor(content: CsvContent): Layout | null {
  if (content.kind === 'sources') return layoutOf(SourceSchema);
  if (content.kind === 'relationships') return layoutOf(RELATIONSHIP_SCHEMA, { key: 'text' });
  return isNodeLabel(content.label) ? layoutOf(NODE_SCHEMAS[content.label]) : null;
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

/** Where a column's cells go: the field, the member of it (for `capacity.value`, `details.<key>`), and the kind of its cells. */
interface Column {
  readonly field: string;
  readonly member: string | undefined;
  readonly kind: FieldKind;
}

/** How a column fills a record, or why it cannot. */
function columnOf(name: string, layout: Layout | null): Column | { unknown: string } {
  // split() returns at least one part: the default never applies.
  const [head = '', member, ...rest] = name.split('.');
  if (!layout) return { field: head, member, kind: 'text' };
  const field = layout.fields[head];
  if (field === undefined) return layout.open && member === undefined ? { field: name, member, kind: 'inferred' } : { unknown: `unknown column (expected ${Object.keys(layout.fields).join(', ')})` };
  if (member === undefined) return typeof field === 'object' ? { unknown: `give ${head} as ${head}.<member> columns` } : { field: name, member, kind: field };
  if (typeof field !== 'object' || rest.length > 0) return { unknown: `"${head}" has no members` };
  const kind = field.members[member] ?? (field.open ? 'inferred' : undefined);
  return kind === undefined ? { unknown: `unknown member (expected ${Object.keys(field.members).join(', ')})` } : { field: head, member, kind };
}

export interface CsvRead {
  readonly records: SeedRecord<unknown>[];
  readonly problems: ImportProblem[];
}

/** A row as csv-parse returns it with `raw` and `info` (its types do not follow those options): checked, not assumed. */
const PARSED_ROWS = z.array(z.object({ record: z.array(z.string()), raw: z.string(), info: z.object({ lines: z.number() }) }));
type ParsedRow = z.infer<typeof PARSED_ROWS>[number];

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
  const parsed: unknown = parse(text.replace(/\r\n?/g, '\n'), {
    bom: true,
    raw: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (error: { message: string; lines?: number } | undefined) => {
      if (error) problems.push({ file, line: error.lines ?? 0, field: null, reason: `malformed CSV: ${error.message}` });
    },
  });
  const rows = PARSED_ROWS.parse(parsed);
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
      const { field, member, kind } = column;
      if (member === undefined) data[field] = convert(cell, kind);
      else {
        const members = data[field];
        data[field] = { ...(isRecord(members) ? members : undefined), [member]: convert(cell, kind) };
      }
    });
    return [{ file, index: i + 1, line, data }];
  });
  return { records, problems };
}
