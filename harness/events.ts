/**
 * Waiting for a state that has no push event (a transaction gone from `SHOW TRANSACTIONS`, a count
 * reaching zero): the probe is asked again as soon as its previous answer is in - its own round trip
 * paces the loop, no timer guesses how long the state takes - and the wait fails after `timeoutMs`,
 * a bound far above what the state needs, so it decides only that the state never came.
 */
export async function until<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
