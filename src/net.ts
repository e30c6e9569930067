import * as net from 'node:net';

/** A free TCP port on 127.0.0.1 (for an embedded Neo4j, a test or a benchmark server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      // A TCP server listening on a port has an AddressInfo (a string is for pipes and Unix sockets).
      if (address === null || typeof address === 'string') {
        server.close(() => reject(new Error(`unexpected server address ${String(address)}`)));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
