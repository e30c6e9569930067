import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const embedded = globalThis.__EMBEDDED_NEO4J__;
  if (!embedded) return;
  await embedded.neo4j.stop();
  fs.rmSync(embedded.dataDir, { recursive: true, force: true });
}
