/** The java binary and the JVM flags the embedded Neo4j runs with. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The flags the Neo4j server script passes to the JVM (see neo4j.conf). */
export const JVM_FLAGS: readonly string[] = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--enable-native-access=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-XX:+ExitOnOutOfMemoryError',
];

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set and holds a java binary, else `java` from PATH. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const javaHome = env.JAVA_HOME;
  if (javaHome) {
    const candidate = path.join(javaHome, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
    if (fs.existsSync(candidate)) return candidate;
  }
  return 'java';
}
