/**
 * The pid file in an embedded Neo4j's data directory: written once the store lock is ours, removed
 * when the JVM exits, and read to say who holds the lock when a start fails on it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorCode } from '../domain/guards';

const PID_FILE = 'embedded-neo4j.pid';

/** The pid file of `dataDir`. */
export function pidFilePath(dataDir: string): string {
  return path.join(dataDir, PID_FILE);
}

/** Records `pid` as the process that owns `dataDir`; returns the file's path. */
export function writePidFile(dataDir: string, pid: number): string {
  const file = pidFilePath(dataDir);
  fs.writeFileSync(file, `${pid}\n`);
  return file;
}

/** True while a process with `pid` exists (one of another user's counts too). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

/** Explains a store-lock failure: another process (maybe a leftover one) owns the data directory. */
export function lockHint(dataDir: string, text: string): string {
  if (!/lock(ed)? by another process|FileLockException|store_lock|Unable to obtain lock/i.test(text)) return '';
  let owner = 'another process';
  try {
    const pid = Number(fs.readFileSync(pidFilePath(dataDir), 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) owner = `a Neo4j process that is still running (pid ${pid})`;
  } catch {
    // no pid file: the owner was not started by this module
  }
  return `The data directory ${dataDir} is locked by ${owner}: stop it or use another dataDir. `;
}
