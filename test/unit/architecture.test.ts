import fs from 'node:fs';
import path from 'node:path';

/**
 * The layering rules of docs/architecture.md, checked over the import graph: the server in src/ stands
 * on its own (it never imports the seed's command-line tools, the benchmark, the tests, the scripts or
 * the example files), and seed/ is data plus thin command-line entry points (no Cypher, no schemas).
 */

const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier a file imports, re-exports, requires or imports dynamically. */
export function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+'([^']+)'/g, /\bimport\s+'([^']+)'/g, /\brequire\(\s*'([^']+)'\s*\)/g, /\bimport\(\s*'([^']+)'\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

describe('the import graph', () => {
  it('finds specifiers of every form (the check itself can fail)', () => {
    const sample = `import a from '../seed/x';\nexport { b } from './y';\nimport './z';\nconst c = require('../bench/w');\nawait import('../test/v');`;
    expect(new Set(specifiers(sample))).toEqual(new Set(['../seed/x', './y', './z', '../bench/w', '../test/v']));
  });

  it('src/ imports nothing outside src/ but packages', () => {
    const outside: string[] = [];
    for (const file of tsFiles(SRC)) {
      for (const spec of specifiers(fs.readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(SRC + path.sep)) outside.push(`${path.relative(ROOT, file)} → ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('seed/ holds no Cypher and no record schemas: its code is command-line entry points', () => {
    const offending = tsFiles(path.join(ROOT, 'seed')).flatMap((file) => {
      const text = fs.readFileSync(file, 'utf8');
      const problems: string[] = [];
      if (/\b(MATCH|MERGE|UNWIND|DETACH DELETE)\b/.test(text)) problems.push(`${path.relative(ROOT, file)}: Cypher`);
      if (specifiers(text).includes('zod')) problems.push(`${path.relative(ROOT, file)}: zod schemas`);
      return problems;
    });
    expect(offending).toEqual([]);
  });
});
