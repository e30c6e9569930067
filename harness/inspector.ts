import WebSocket from 'ws';

/**
 * The live JavaScript heap of another Node.js process, through its inspector (`node --inspect`): a full
 * garbage collection, then `process.memoryUsage().heapUsed`. Unlike RSS, which keeps what the heap once
 * grew to, this falls back when nothing is retained: the measure a leak check needs.
 */
export async function liveHeapBytes(inspectorUrl: string, expression = 'process.memoryUsage().heapUsed'): Promise<number> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let nextId = 1;
  const call = (method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (data: WebSocket.RawData): void => {
        const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
        if (message.id !== id) return;
        socket.off('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result ?? {});
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method, params }));
    });
  };
  try {
    // Twice: objects freed by the first collection's finalizers go in the second.
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const evaluated = await call('Runtime.evaluate', { expression, returnByValue: true });
    const value = (evaluated.result as { value?: unknown } | undefined)?.value;
    if (typeof value !== 'number') throw new Error(`unexpected inspector answer: ${JSON.stringify(evaluated)}`);
    return value;
  } finally {
    socket.close();
  }
}
