/**
 * Where the embedded Neo4j's files live, all under neo4j/ at the project root (found through
 * `projectPath`, so the same paths hold from src/ and from compiled output in dist/): the Maven
 * project, the jars it fetches, the APOC plugin and the compiled Java launcher.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT, projectPath } from '../paths';

/** The working directory of Maven and of the JVM. */
export const REPO_ROOT = PROJECT_ROOT;
export const NEO4J_DIR = projectPath('neo4j');
/** neo4j/pom.xml, relative to REPO_ROOT (as Maven is given it). */
export const POM_FILE = path.join('neo4j', 'pom.xml');
export const LIB_DIR = path.join(NEO4J_DIR, 'lib');
export const PLUGINS_DIR = path.join(NEO4J_DIR, 'plugins');
export const LAUNCHER_SOURCE = path.join(NEO4J_DIR, 'src', 'main', 'java', 'local', 'graph', 'EmbeddedNeo4j.java');
/** The launcher's classes as a jar (pom.xml): the class path holds no directory, as class-data sharing requires. */
export const LAUNCHER_JAR = path.join(NEO4J_DIR, 'target', 'embedded-neo4j-launcher-1.0.0-launcher.jar');
/** Class-data-sharing archives of the embedded Neo4j's classes (classArchive.ts). */
export const CLASS_ARCHIVE_DIR = path.join(NEO4J_DIR, 'target', 'cds');
/** Seeded stores a fresh embedded store starts from (storeTemplate.ts). */
export const STORE_TEMPLATE_DIR = path.join(NEO4J_DIR, 'target', 'store-templates');
/** The launcher's main class, as the JVM is told it. */
export const LAUNCHER_MAIN = 'local.graph.EmbeddedNeo4j';

/** The embedded Neo4j's jars as full paths: Neo4j's (sorted by name), then the launcher's. The class archive and the store template are named by them. */
export function neo4jJars(): string[] {
  const lib = fs.readdirSync(LIB_DIR).filter((name) => name.endsWith('.jar')).sort();
  return [...lib.map((name) => path.join(LIB_DIR, name)), LAUNCHER_JAR];
}
