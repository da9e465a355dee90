// Mounts the route table on Spikard (HTTP_SERVER=spikard): the same handlers, schemas, access
// rules and error contract as the Fastify adapter, within what the native binding allows. It hands
// a handler the whole body at once and sends a whole answer at once: uploads are buffered up to a
// bound, and an event stream is answered with the events of a short window, after which the client
// reconnects with Last-Event-ID (as EventSource does). Spikard itself answers, before any of this
// runs and in its own RFC 9457 form: a malformed JSON or multipart body (400) and a body beyond the
// route's limit plus NATIVE_LIMIT_SLACK_BYTES (413).
import net from 'node:net';
import { Readable } from 'node:stream';
import type { Logger } from '../logger';
import type { Authenticator } from './auth';
import {
  allowOriginHeaders,
  type AnsweredRequest,
  bodyTooLarge,
  emptyJsonBody,
  errorAnswer,
  internalError,
  invalidJsonBody,
  isRead,
  JSON_BODY_LIMIT_BYTES,
  knownHttpError,
  malformedUrl,
  MAX_PARAM_LENGTH,
  paramTooLong,
  preflightHeaders,
  routeNotFound,
  unsupportedMediaType,
} from './edge-policy';
import { ErrorCode, HttpError } from './errors';
import { openApiPath } from './openapi';
import { compileRequestValidator, type RequestValidator } from './request-validators';
import type { HttpMethod, RouteDefinition, RouteRequest, RouteResponse } from './route';
import { collectEventWindow } from './event-window';
import {
  loadSpikard,
  type SpikardApp,
  type SpikardBinding,
  type SpikardRequestData,
  type SpikardResponse,
} from './spikard-binding';

/** Uploads are buffered whole (as a JSON array of bytes): at most this much, whatever MAX_UPLOAD_BYTES says. */
export const SPIKARD_UPLOAD_BUFFER_BYTES = 32 * 1024 * 1024;

/**
 * Bodies up to this much beyond a route's own limit still reach the adapter, which answers the
 * contract's 413; Spikard answers larger ones itself (`application/problem+json`).
 */
const NATIVE_LIMIT_SLACK_BYTES = 1024 * 1024;

const METHODS: Record<HttpMethod | 'OPTIONS' | 'PATCH', keyof SpikardBinding['Method']> = {
  GET: 'Get',
  POST: 'Post',
  PUT: 'Put',
  DELETE: 'Delete',
  PATCH: 'Patch',
  OPTIONS: 'Options',
};

export interface SpikardAdapterOptions {
  logger: Logger;
  authenticate: Authenticator;
  onRequestAnswered?: (sample: AnsweredRequest) => void;
  /** MAX_UPLOAD_BYTES: the limit of stream routes (POST /files), capped by the upload buffer. */
  streamBodyLimitBytes: number;
}

export interface SpikardServer {
  /** Serves on host:port; resolves once the port accepts connections. */
  listen(address: { host: string; port: number }): Promise<void>;
  /**
   * Waits for the server to end. Spikard has no stop method: it ends on the SIGINT or SIGTERM the
   * process received, so a listener for those must be registered before `listen`.
   */
  close(): Promise<void>;
}

interface MountedRoute {
  route: RouteDefinition;
  validate: RequestValidator;
  bodyLimit: number;
}

function isJsonType(contentType: string | undefined): boolean {
  return /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType ?? '');
}

/** Query values as sent: Spikard coerces numbers and booleans, the schemas expect the strings. */
function queryStrings(query: Record<string, unknown> | null): Record<string, string | string[]> {
  const strings: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(query ?? {})) {
    strings[name] = Array.isArray(value) ? value.map((item) => String(item ?? '')) : String(value ?? '');
  }
  return strings;
}

function isTextType(contentType: string | undefined): boolean {
  return /^text\/plain\s*(;|$)/i.test(contentType ?? '');
}

/** Parsed as Fastify's own parsers do: JSON, plain text as a string, anything else 415. */
function parsedBody(request: SpikardRequestData, bytes: Buffer | undefined, limit: number): unknown {
  const contentType = request.headers['content-type'];
  if (!bytes || bytes.length === 0) {
    if (isJsonType(contentType)) throw emptyJsonBody();
    return undefined;
  }
  const json = isJsonType(contentType);
  if (!json && !isTextType(contentType)) throw unsupportedMediaType();
  if (bytes.length > limit) throw bodyTooLarge();
  if (!json) return bytes.toString('utf8');
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw invalidJsonBody();
  }
}

function bufferedUploadTooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    ErrorCode.payloadTooLarge,
    `File is larger than the limit of ${limit} bytes (HTTP_SERVER=spikard buffers uploads; ` +
      'HTTP_SERVER=fastify streams them)',
    { limitBytes: limit },
  );
}

function routeRequest(mounted: MountedRoute, request: SpikardRequestData, caller: RouteRequest['caller']) {
  const { route, bodyLimit } = mounted;
  const bytes = request.raw_body ? Buffer.from(request.raw_body) : undefined;
  const stream = route.bodyKind === 'stream';
  if (stream && bytes && bytes.length > bodyLimit) throw bufferedUploadTooLarge(bodyLimit);
  const parts = {
    params: { ...request.path_params },
    body: stream ? undefined : parsedBody(request, bytes, bodyLimit),
    querystring: queryStrings(request.query_params),
  };
  const invalid = mounted.validate(parts);
  if (invalid) throw invalid;
  return {
    caller,
    params: parts.params,
    query: parts.querystring,
    headers: request.headers,
    body: parts.body,
    stream: stream ? Readable.from(bytes ? [bytes] : []) : undefined,
  } as RouteRequest;
}

/** What Fastify's router refuses before any route hook runs, refused as early here. */
function checkUrl(request: SpikardRequestData): void {
  try {
    decodeURIComponent(request.path);
  } catch {
    throw malformedUrl();
  }
  if (Object.values(request.path_params).some((value) => value.length > MAX_PARAM_LENGTH))
    throw paramTooLong();
}

async function answer(mounted: MountedRoute, request: SpikardRequestData, options: SpikardAdapterOptions) {
  checkUrl(request);
  const caller = options.authenticate(mounted.route.access, request.headers.authorization);
  const response = await mounted.route.handler(routeRequest(mounted, request, caller));
  if (!response.stream) return response;
  return { ...response, stream: undefined, body: await collectEventWindow(response.stream) };
}

function failure(error: unknown, logger: Logger, request: SpikardRequestData): RouteResponse {
  const known = knownHttpError(error);
  if (known) return errorAnswer(known);
  logger.error({ err: error, method: request.method, url: request.path }, 'request failed');
  return errorAnswer(internalError());
}

/** Serialised here, so that the body keeps its key order (the native side would sort the keys). */
function toNative(response: RouteResponse, extraHeaders: Record<string, string>): SpikardResponse {
  const headers = { ...extraHeaders, ...response.headers };
  const body = response.body;
  if (body === undefined) return { status_code: response.status, content: null, headers };
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    return { status_code: response.status, content: body, headers };
  }
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return { status_code: response.status, content: JSON.stringify(body), headers };
}

type Answerer = (request: SpikardRequestData) => Promise<RouteResponse>;

/** Every answer goes through here: timed, logged, counted, and never a rejected promise. */
function handlerOf(
  answerer: Answerer,
  pattern: string | undefined,
  options: SpikardAdapterOptions,
  extraHeaders: (request: SpikardRequestData) => Record<string, string> = () => ({}),
) {
  return async (_error: unknown, request: SpikardRequestData): Promise<SpikardResponse> => {
    const started = process.hrtime.bigint();
    const response = await answerer(request).catch((error: unknown) =>
      failure(error, options.logger, request),
    );
    const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const line = { method: request.method, url: request.path, statusCode: response.status, durationSeconds };
    if (isRead(request.method)) options.logger.debug(line, 'request completed');
    else options.logger.info(line, 'request completed');
    options.onRequestAnswered?.({
      method: request.method,
      route: pattern,
      status: response.status,
      durationSeconds,
    });
    return toNative(response, extraHeaders(request));
  };
}

function limitOf(route: RouteDefinition, options: SpikardAdapterOptions): number {
  if (route.bodyKind !== 'stream') return JSON_BODY_LIMIT_BYTES;
  return Math.min(options.streamBodyLimitBytes, SPIKARD_UPLOAD_BUFFER_BYTES);
}

function mount(
  binding: SpikardBinding,
  app: SpikardApp,
  route: RouteDefinition,
  options: SpikardAdapterOptions,
) {
  const mounted: MountedRoute = {
    route,
    validate: compileRequestValidator(route),
    bodyLimit: limitOf(route, options),
  };
  const path = openApiPath(route.path);
  const builder = new binding.RouteBuilder(binding.Method[METHODS[route.method]], path).bodyLimit(
    mounted.bodyLimit + NATIVE_LIMIT_SLACK_BYTES,
  );
  const cors = route.cors;
  const corsHeaders = (request: SpikardRequestData) =>
    cors ? allowOriginHeaders(cors, request.headers.origin) : {};
  app.route(
    builder,
    handlerOf((request) => answer(mounted, request, options), route.path, options, corsHeaders),
  );
  if (!cors) return;
  const preflight = new binding.RouteBuilder(binding.Method.Options, path);
  const answerPreflight: Answerer = async () => ({
    status: 204,
    headers: preflightHeaders(cors, route.method),
  });
  app.route(preflight, handlerOf(answerPreflight, route.path, options, corsHeaders));
}

/** Spikard answers an unknown path or method with an empty 404/405: these give the JSON 404 instead. */
function mountNotFound(
  binding: SpikardBinding,
  app: SpikardApp,
  routes: RouteDefinition[],
  options: SpikardAdapterOptions,
) {
  const notFound: Answerer = async (request) => errorAnswer(routeNotFound(request.method, request.path));
  const taken = new Map<string, Set<string>>();
  for (const route of routes) {
    const methods = taken.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.cors) methods.add('OPTIONS');
    taken.set(route.path, methods);
  }
  const paths = [
    ...taken.entries(),
    ['/{*rest}', new Set<string>()] as const,
    ['/', new Set<string>()] as const,
  ];
  for (const [path, methods] of paths) {
    for (const method of Object.keys(METHODS) as (keyof typeof METHODS)[]) {
      if (methods.has(method)) continue;
      const builder = new binding.RouteBuilder(binding.Method[METHODS[method]], openApiPath(path));
      app.route(builder, handlerOf(notFound, undefined, options));
    }
  }
}

async function waitForPort(
  host: string,
  port: number,
  serving: Promise<void>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failed: unknown;
  serving.catch((error: unknown) => (failed = error ?? new Error('Spikard stopped')));
  while (Date.now() < deadline) {
    if (failed) throw failed;
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Spikard did not listen on ${host}:${port} within ${timeoutMs} ms`);
}

export function createSpikardApp(routes: RouteDefinition[], options: SpikardAdapterOptions): SpikardServer {
  const binding = loadSpikard();
  const app = new binding.App();
  for (const route of routes) mount(binding, app, route, options);
  mountNotFound(binding, app, routes, options);
  let serving: Promise<void> | undefined;
  return {
    listen: async ({ host, port }) => {
      // Open event streams are answered within their window, so a short grace is enough.
      app.config(JSON.stringify({ host, port, graceful_shutdown: true, shutdown_timeout: 5 }));
      serving = app.nativeRun();
      await waitForPort(host, port, serving);
    },
    close: async () => {
      await serving?.catch(() => undefined);
    },
  };
}
