import net from 'node:net';

// Below Linux's ephemeral range (32768+), so that outgoing connections do not take them, and below
// 32768 because Temporal stores membership ports in a SMALLINT column.
const LOWEST = 10_000;
const HIGHEST = 32_767;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Hands out distinct loopback ports that were free when asked for. */
export class PortAllocator {
  private readonly given = new Set<number>();

  async next(): Promise<number> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
      if (!this.given.has(port) && (await isFree(port))) {
        this.given.add(port);
        return port;
      }
    }
    throw new Error(`no free port found between ${LOWEST} and ${HIGHEST} on 127.0.0.1`);
  }
}
