// The Spikard native binding, loaded only when HTTP_SERVER=spikard: its one published build is for
// Linux x64 with glibc, and it ships no type declarations, so the few parts used are declared here.

export const SPIKARD_PACKAGE = '@spikard/node-linux-x64-gnu';
export const SPIKARD_VERSION = '0.17.1';

/** What the server hands a handler (serialised by the native side; keys are snake_case). */
export interface SpikardRequestData {
  method: string;
  path: string;
  path_params: Record<string, string>;
  /** Parsed with numbers and booleans coerced, repeated keys as arrays. */
  query_params: Record<string, unknown> | null;
  headers: Record<string, string>;
  /** The body as bytes; null when there was none. */
  raw_body: number[] | null;
}

/** What a handler answers: a string `content` is sent as it is, anything else as JSON text. */
export interface SpikardResponse {
  status_code: number;
  content: unknown;
  headers: Record<string, string>;
}

export type SpikardHandler = (error: unknown, request: SpikardRequestData) => Promise<SpikardResponse>;

export interface SpikardRouteBuilder {
  bodyLimit(bytes: number): SpikardRouteBuilder;
}

export interface SpikardApp {
  /** JSON text of a server configuration (snake_case keys; unknown keys are ignored). */
  config(json: string): void;
  route(builder: SpikardRouteBuilder, handler: SpikardHandler): void;
  /** Serves until the process receives SIGINT or SIGTERM; there is no stop method. */
  nativeRun(): Promise<void>;
}

export interface SpikardBinding {
  App: new () => SpikardApp;
  RouteBuilder: new (method: string, path: string) => SpikardRouteBuilder;
  Method: Record<'Get' | 'Post' | 'Put' | 'Delete' | 'Patch' | 'Options', string>;
}

export class SpikardUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpikardUnavailable';
  }
}

function isGlibc(): boolean {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)
    ?.header;
  return typeof header?.glibcVersionRuntime === 'string';
}

/** The binding, or an error naming this platform and the package that HTTP_SERVER=spikard needs. */
export function loadSpikard(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
  glibc: () => boolean = isGlibc,
): SpikardBinding {
  if (platform !== 'linux' || arch !== 'x64' || !glibc()) {
    const libc = platform === 'linux' ? (glibc() ? '-gnu' : '-musl') : '';
    throw new SpikardUnavailable(
      `HTTP_SERVER=spikard needs ${SPIKARD_PACKAGE}, which is published for linux-x64 (glibc) only; ` +
        `this platform is ${platform}-${arch}${libc}. Use HTTP_SERVER=fastify (the default).`,
    );
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(SPIKARD_PACKAGE) as SpikardBinding;
  } catch (error) {
    throw new SpikardUnavailable(
      `HTTP_SERVER=spikard needs ${SPIKARD_PACKAGE}@${SPIKARD_VERSION}, which is not installed on this ` +
        `${platform}-${arch} machine (npm install skips this optional package on Node < 22, which its ` +
        `engines exclude): install it with \`npm run setup:spikard\`, or use HTTP_SERVER=fastify. ` +
        `(${(error as Error).message.split('\n')[0]})`,
    );
  }
}
