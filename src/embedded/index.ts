/**
 * The embedded Neo4j: a real Neo4j Community Edition in a small Java launcher, run as a child process.
 * launcher.ts starts and stops it; build.ts fetches the jars and compiles the launcher (Maven);
 * classArchive.ts makes and names the class-data-sharing archive the JVM starts from; storeTemplate.ts
 * keeps the seeded store a fresh store is copied from;
 * java.ts finds the JVM and its flags; pidFile.ts records who owns a data directory; layout.ts says
 * where neo4j/ and its files are; tail.ts quotes the last lines of output for error messages.
 */
export { startEmbeddedNeo4j, type EmbeddedNeo4j, type EmbeddedNeo4jOptions } from './launcher';
export { ensureNeo4jJars } from './build';
export { JVM_FLAGS, findJava } from './java';
export { classArchiveFile, ensureClassArchive } from './classArchive';
export { copyStoreTemplate, ensureStoreTemplate, isFreshStore, storeTemplateDir } from './storeTemplate';
export { superviseEmbeddedNeo4j, type SupervisedNeo4j } from './supervisor';
