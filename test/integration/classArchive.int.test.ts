import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedNeo4j } from '../../src/embedded';
import { classArchiveFile, ensureClassArchive } from '../../src/embedded/classArchive';
import { JVM_FLAGS, findJava } from '../../src/embedded/java';
import { freePort } from '../../src/net';

/**
 * The embedded Neo4j starts from a class-data-sharing archive (src/embedded/classArchive.ts): made
 * once by a training run, then mapped by every JVM that starts. Made already when this suite's own
 * Neo4j was started embedded; otherwise the first test makes it (about half a minute).
 */
describe('the class-data-sharing archive of the embedded Neo4j', () => {
  const java = findJava();

  it('is made for the class path and mapped by the Neo4j that starts', async () => {
    const file = classArchiveFile(java, JVM_FLAGS);
    expect(await ensureClassArchive(java, JVM_FLAGS, file, () => undefined)).toBe(true);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-cds-test-'));
    const neo4j = await startEmbeddedNeo4j({ port: await freePort(), dataDir, heap: '512m', pageCache: '64m' });
    try {
      expect(fs.readFileSync(`/proc/${neo4j.pid}/cmdline`, 'utf8').split('\0')).toContain(`-XX:SharedArchiveFile=${file}`);
      // The JVM maps the archive's regions from the file: it uses the archive, not only names it.
      expect(fs.readFileSync(`/proc/${neo4j.pid}/maps`, 'utf8')).toContain(file);
    } finally {
      await neo4j.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('is not made when the training run fails, and leaves nothing behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmg-cds-dir-'));
    const file = classArchiveFile(java, JVM_FLAGS, dir);
    const messages: string[] = [];
    // A "java" that exits at once with status 1, as a JVM refusing its flags would.
    expect(await ensureClassArchive('false', JVM_FLAGS, file, (m) => messages.push(m))).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(messages.at(-1)).toMatch(/No class-data-sharing archive \(the training run exited with 1\); Neo4j starts without one/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
