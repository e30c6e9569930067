import { SingleBar } from 'cli-progress';
import type { ImportProgress } from '../src/import/importer';

/** Shows import progress: a bar with records/s and the time left on a terminal, plain lines otherwise. */
export interface ProgressReporter {
  update(progress: ImportProgress): void;
  stop(): void;
}

const rate = (done: number, startedAt: number): number => done / Math.max((performance.now() - startedAt) / 1000, 0.001);

/** A cli-progress bar on `stream` (a TTY). */
export function progressBar(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new SingleBar({
    stream,
    format: 'importing [{bar}] {percentage}% | {value}/{total} records | {speed} records/s | ETA {eta_formatted}',
    etaBuffer: 50,
    hideCursor: true,
  });
  const startedAt = performance.now();
  let started = false;
  return {
    update({ done, total }) {
      if (!started) (bar.start(total, 0, { speed: 0 }), (started = true));
      bar.update(done, { speed: Math.round(rate(done, startedAt)) });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** One log line per batch, at most one a second (and always the last), for logs and pipes. */
export function progressLines(write: (line: string) => void, everyMs = 1_000): ProgressReporter {
  const startedAt = performance.now();
  let lastAt = Number.NEGATIVE_INFINITY;
  return {
    update({ done, total, batch, batches }) {
      const now = performance.now();
      if (done < total && now - lastAt < everyMs) return;
      lastAt = now;
      const speed = rate(done, startedAt);
      const left = done < total ? `, about ${Math.ceil((total - done) / Math.max(speed, 1))} s left` : '';
      const where = batches > 1 ? ` (batch ${batch}/${batches})` : '';
      write(`imported ${done}/${total} records${where}, ${Math.round(speed)} records/s${left}`);
    },
    stop() {},
  };
}
