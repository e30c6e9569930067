import fs from 'node:fs';
import path from 'node:path';
import { isNodeLabel, isRelationshipType } from '../domain/graphModel';
import { errorMessage } from '../domain/guards';
import { readCsv, type CsvContent } from './csv';
import type { RawSeed, SeedRecord } from '../domain/records';
import type { ImportProblem } from '../domain/validate';

/**
 * Reads seed and import files: a folder in the seed layout (`sources.json`, `nodes/<Label>.json`,
 * `relationships/<TYPE>.json`, each also as `.csv`, JSON and CSV mixed freely), or one file whose name
 * (and folder) says what it holds. Unreadable files become problems, like invalid records, so one run
 * reports everything.
 */

export interface FilesRead {
  readonly raw: RawSeed;
  readonly problems: readonly ImportProblem[];
  /** The files read, relative to the working directory. */
  readonly files: readonly string[];
}

const EXTENSIONS = ['.json', '.csv'];

/** A path as problems show it: relative to the working directory when inside it, absolute otherwise. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative;
}

/** What a file holds, from its name and folder: `sources.*`, `nodes/<Label>.*`, `relationships/<TYPE>.*`, or a bare `<Label>.*` / `<TYPE>.*`. */
export function contentOf(file: string): CsvContent | null {
  const name = path.basename(file, path.extname(file));
  const folder = path.basename(path.dirname(file));
  if (name === 'sources') return { kind: 'sources' };
  if (folder === 'nodes' || (folder !== 'relationships' && isNodeLabel(name))) return { kind: 'nodes', label: name };
  if (folder === 'relationships' || isRelationshipType(name)) return { kind: 'relationships', type: name };
  return null;
}

/** The line of a character offset, for JSON syntax errors. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function readJson(file: string, text: string): { records: SeedRecord<unknown>[]; problems: ImportProblem[] } {
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    const message = errorMessage(error);
    const offset = /position (\d+)/.exec(message)?.[1];
    return { records: [], problems: [{ file, line: offset === undefined ? 0 : lineAt(text, Number(offset)), field: null, reason: `not valid JSON (${message})` }] };
  }
  if (!Array.isArray(content)) return { records: [], problems: [{ file, line: 0, field: null, reason: 'expected a JSON array of records' }] };
  return { records: content.map((data, i) => ({ file, index: i + 1, data })), problems: [] };
}

/** A `RawSeed` being filled, file by file. */
interface RawSeedBuilder {
  readonly sources: SeedRecord<unknown>[];
  readonly nodes: RawSeed['nodes'][number][];
  readonly relationships: RawSeed['relationships'][number][];
}

/** Reads one file of a known content into `raw` (mutated), returning its problems. */
function readInto(raw: RawSeedBuilder, absolute: string, content: CsvContent): ImportProblem[] {
  const file = shown(absolute);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    return [{ file, line: 0, field: null, reason: `cannot read: ${errorMessage(error)}` }];
  }
  const { records, problems } = absolute.endsWith('.csv') ? readCsv(file, text, content) : readJson(file, text);
  if (content.kind === 'sources') raw.sources.push(...records);
  else if (content.kind === 'nodes') raw.nodes.push({ label: content.label, file, records });
  else raw.relationships.push({ type: content.type, file, records });
  return problems;
}

function dataFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => EXTENSIONS.includes(path.extname(f)))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Reads a folder in the seed layout or a single file. `requireSources` (the seed loader) makes a missing
 * `sources.*` a problem; an import may cite sources already in the database instead.
 */
export function readImportFiles(target: string, options: { requireSources?: boolean } = {}): FilesRead {
  const raw: RawSeedBuilder = { sources: [], nodes: [], relationships: [] };
  const problems: ImportProblem[] = [];
  const files: string[] = [];
  const read = (file: string, content: CsvContent): void => {
    files.push(shown(file));
    problems.push(...readInto(raw, file, content));
  };
  const where = shown(target);
  if (!fs.existsSync(target)) return { raw, problems: [{ file: where, line: 0, field: null, reason: 'no such file or folder' }], files };

  if (fs.statSync(target).isDirectory()) {
    const sources = EXTENSIONS.map((ext) => path.join(target, `sources${ext}`)).filter((f) => fs.existsSync(f));
    if (sources.length === 0 && options.requireSources) problems.push({ file: path.join(where, 'sources.json'), line: 0, field: null, reason: 'missing' });
    for (const file of sources) read(file, { kind: 'sources' });
    for (const file of dataFiles(path.join(target, 'nodes'))) read(file, { kind: 'nodes', label: path.basename(file, path.extname(file)) });
    for (const file of dataFiles(path.join(target, 'relationships'))) read(file, { kind: 'relationships', type: path.basename(file, path.extname(file)) });
    if (files.length === 0) problems.push({ file: where, line: 0, field: null, reason: 'no sources.*, nodes/*.json|csv or relationships/*.json|csv in this folder' });
  } else {
    const content = EXTENSIONS.includes(path.extname(target)) ? contentOf(target) : null;
    if (content) read(target, content);
    else problems.push({ file: where, line: 0, field: null, reason: 'cannot tell what this file holds: name it sources, <Label> or <TYPE> (.json or .csv), or put it in nodes/ or relationships/' });
  }
  return { raw, problems, files };
}
