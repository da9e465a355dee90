import fs from 'node:fs';
import http2 from 'node:http2';
import type net from 'node:net';

/**
 * A TLS gRPC endpoint that, like Temporal Cloud, refuses calls without `authorization: Bearer
 * KEY` (UNAUTHENTICATED) and forwards the others, call by call, to a plain Temporal server.
 */
export class ApiKeyCheckingProxy {
  /** The `authorization` header of every call, as received. */
  readonly authorizations: Array<string | undefined> = [];
  private server?: http2.Http2SecureServer;
  private backend?: http2.ClientHttp2Session;
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  constructor(private readonly options: { backend: string; apiKey: string; cert: string; key: string }) {}

  async start(): Promise<string> {
    this.backend = http2.connect(`http://${this.options.backend}`);
    this.backend.on('error', () => undefined);
    this.server = http2.createSecureServer({
      cert: fs.readFileSync(this.options.cert),
      key: fs.readFileSync(this.options.key),
    });
    this.server.on('session', (session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    this.server.on('stream', (stream, headers) => this.forward(stream, headers));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    this.backend?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private forward(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const authorization = headers.authorization;
    this.authorizations.push(authorization);
    if (authorization !== `Bearer ${this.options.apiKey}`) {
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '16',
          'grpc-message': 'missing or wrong API key',
        },
        { endStream: true },
      );
      return;
    }
    const forwarded: http2.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!name.startsWith(':') || name === ':method' || name === ':path') forwarded[name] = value;
    }
    const upstream = this.backend!.request(forwarded);
    stream.pipe(upstream);
    stream.on('close', () => upstream.close());
    upstream.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    let trailers: http2.IncomingHttpHeaders = {};
    upstream.on('trailers', (received) => (trailers = received));
    upstream.on('response', (response) => {
      // A trailers-only answer (an error status) has nothing more to come.
      const trailersOnly = response['grpc-status'] !== undefined;
      stream.respond(response, trailersOnly ? { endStream: true } : { waitForTrailers: true });
      if (trailersOnly) return;
      stream.on('wantTrailers', () => stream.sendTrailers(trailers));
      upstream.pipe(stream);
    });
  }
}
