import { startEmbeddedNeo4j, type EmbeddedNeo4j, type EmbeddedNeo4jOptions } from './launcher';

export interface SupervisorOptions {
  /** Restarts in a row that may fail before the supervisor gives up (`onGiveUp`). */
  readonly maxRestarts: number;
  /** Pause before the first restart; it doubles with every failed one, up to `maxDelayMs`. */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Neo4j died (not stopped by us): requests should fail fast from now on. */
  onDown(reason: string): void;
  /** Neo4j was restarted and accepts connections again. */
  onUp?(neo4j: EmbeddedNeo4j): void;
  /** `maxRestarts` restarts failed in a row: the process should exit so its own supervisor restarts it. */
  onGiveUp(error: unknown): void;
  log(message: string, details?: Record<string, unknown>): void;
}

export interface SupervisedNeo4j {
  readonly uri: string;
  /** The JVM running now (a new one after every restart). */
  current(): EmbeddedNeo4j;
  /** Stops supervising and stops Neo4j. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded Neo4j and keeps it running: when the JVM dies (a crash, the OOM killer, a SIGKILL)
 * it is started again on the same port and store, after 1 s, then 2 s, 4 s ... (Neo4j recovers the store
 * from its transaction log on start). The driver keeps its URI and reconnects by itself.
 */
export async function superviseEmbeddedNeo4j(start: EmbeddedNeo4jOptions, options: SupervisorOptions): Promise<SupervisedNeo4j> {
  const { maxRestarts, firstDelayMs = 1_000, maxDelayMs = 15_000 } = options;
  let running = await startEmbeddedNeo4j(start);
  let stopping = false;
  let pause: NodeJS.Timeout | undefined;
  let wake: () => void = () => undefined;

  const restartLoop = async (): Promise<void> => {
    for (;;) {
      const { expected, reason } = await running.exited;
      if (expected || stopping) return;
      options.onDown(`embedded Neo4j exited (${reason})`);
      if (maxRestarts === 0) {
        options.onGiveUp(new Error(`embedded Neo4j exited (${reason}) and NEO4J_EMBEDDED_MAX_RESTARTS is 0`));
        return;
      }
      for (let attempt = 1; ; attempt++) {
        const delayMs = Math.min(firstDelayMs * 2 ** (attempt - 1), maxDelayMs);
        options.log('restarting the embedded Neo4j', { attempt, delayMs });
        await new Promise<void>((resolve) => {
          wake = resolve;
          pause = setTimeout(resolve, delayMs);
        });
        if (stopping) return;
        try {
          running = await startEmbeddedNeo4j(start);
          if (stopping) return void (await running.stop());
          options.log('embedded Neo4j restarted', { attempt, pid: running.pid });
          options.onUp?.(running);
          break;
        } catch (error) {
          options.log('restarting the embedded Neo4j failed', { attempt, err: error instanceof Error ? error.message.split('\n')[0] : String(error) });
          if (attempt >= maxRestarts) {
            options.onGiveUp(error);
            return;
          }
        }
      }
    }
  };
  const supervising = restartLoop();

  return {
    uri: running.uri,
    current: () => running,
    async stop() {
      stopping = true;
      clearTimeout(pause);
      wake();
      await running.stop();
      await supervising;
    },
  };
}
