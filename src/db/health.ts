import type { Logger } from '../logger';

/** Asks the database for a sign of life; rejects when it cannot be reached. */
export type Probe = () => Promise<void>;

export interface HealthOptions {
  readonly probe: Probe;
  readonly log: Logger;
  /** Pause between probes while the database is down. */
  readonly intervalMs?: number;
  /** A probe that has not answered after this long counts as failed. */
  readonly probeTimeoutMs?: number;
}

/**
 * Whether the database is known to be down, so requests fail at once (SERVICE_UNAVAILABLE) instead of
 * each spending the driver's connection and retry budgets (seconds) on a database that is not there.
 *
 * It is down when the supervisor of the embedded Neo4j saw the process exit, or when a statement failed
 * as unreachable and a probe confirmed it (one unreachable cluster member does not make the database
 * down: the probe goes through the driver's routing like any statement). While down, it probes every
 * `intervalMs` and is up again after the first probe that answers.
 */
export class DatabaseHealth {
  private downSince: number | null = null;
  private checking: Promise<void> | null = null;
  private closed = false;
  private readonly intervalMs: number;
  private readonly probeTimeoutMs: number;

  constructor(private readonly options: HealthOptions) {
    this.intervalMs = options.intervalMs ?? 500;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
  }

  /** False while the database is known to be down. */
  get available(): boolean {
    return this.downSince === null;
  }

  /** A statement failed as unreachable: probe once, and if the probe fails too, the database is down. */
  suspect(): void {
    if (this.downSince === null) this.check();
  }

  /** The database is down for a known reason (its process exited); probes until it answers again. */
  markDown(reason: string): void {
    if (this.downSince === null) {
      this.downSince = Date.now();
      this.options.log.warn({ reason }, 'database down: requests fail fast until it answers again');
    }
    this.check();
  }

  /** Stops probing (the server is shutting down). */
  close(): void {
    this.closed = true;
  }

  private check(): void {
    this.checking ??= this.probeUntilUp().finally(() => {
      this.checking = null;
    });
  }

  private async probeUntilUp(): Promise<void> {
    for (let first = true; !this.closed; first = false) {
      if (!first) await new Promise((resolve) => setTimeout(resolve, this.intervalMs).unref());
      if (await this.answers()) {
        if (this.downSince !== null) this.options.log.info({ downMs: Date.now() - this.downSince }, 'database answers again');
        this.downSince = null;
        return;
      }
      if (this.downSince === null) {
        this.downSince = Date.now();
        this.options.log.warn('database unreachable: requests fail fast until it answers again');
      }
    }
  }

  private async answers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.probeTimeoutMs);
    });
    const probed = this.options.probe().then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([probed, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
