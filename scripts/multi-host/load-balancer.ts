import net from 'node:net';

const CONNECT_TIMEOUT_MS = 2_000;

export interface LoadBalancer {
  address: string;
  close(): Promise<void>;
}

function connect(backend: string): Promise<net.Socket> {
  const [host, port] = backend.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port), timeout: CONNECT_TIMEOUT_MS });
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('timeout', () => fail(new Error(`connect to ${backend} timed out`)));
    socket.once('connect', () => {
      socket.off('error', fail);
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}

/**
 * A TCP load balancer: each new connection goes to the next backend in turn; a backend that
 * refuses is skipped for that connection. A connection lives and dies with its backend, so a
 * client whose node died reconnects and lands on a live one.
 */
export async function startLoadBalancer(port: number, backends: readonly string[]): Promise<LoadBalancer> {
  let next = 0;
  const sockets = new Set<net.Socket>();

  const pickBackend = async (): Promise<net.Socket | undefined> => {
    for (let tried = 0; tried < backends.length; tried += 1) {
      const backend = backends[next % backends.length]!;
      next += 1;
      try {
        return await connect(backend);
      } catch {
        // Refused or silent: try the next one.
      }
    }
    return undefined;
  };

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    void pickBackend().then((upstream) => {
      if (!upstream || client.destroyed) {
        upstream?.destroy();
        client.destroy();
        return;
      }
      sockets.add(upstream);
      upstream.once('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
