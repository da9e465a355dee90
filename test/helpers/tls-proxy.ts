import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/**
 * Terminates TLS (mutual: a client certificate signed by `clientCa` is required) in front of a
 * plain-gRPC Temporal server, as a load balancer or a TLS-configured cluster would. The dev
 * server has no TLS options of its own; the point here is the client side.
 */
export class TlsTerminatingProxy {
  /** The subject CN of each client certificate a connection was accepted with. */
  readonly clientNames: string[] = [];
  /** Why handshakes failed, as the proxy saw it. */
  readonly rejections: string[] = [];
  private server?: tls.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly options: { backend: string; cert: string; key: string; clientCa: string }) {}

  async start(): Promise<string> {
    const [host, port] = splitAddress(this.options.backend);
    this.server = tls.createServer(
      {
        cert: fs.readFileSync(this.options.cert),
        key: fs.readFileSync(this.options.key),
        ca: fs.readFileSync(this.options.clientCa),
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
      },
      (client) => {
        this.clientNames.push(String(client.getPeerCertificate().subject?.CN));
        const upstream = net.connect(port, host);
        this.track(client).pipe(this.track(upstream)).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      },
    );
    this.server.on('tlsClientError', (error) => this.rejections.push(error.message));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private track<T extends net.Socket>(socket: T): T {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  }
}

function splitAddress(address: string): [string, number] {
  const index = address.lastIndexOf(':');
  return [address.slice(0, index), Number(address.slice(index + 1))];
}
