import { Readable } from 'node:stream';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifySchema,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import type { Caller } from '../auth/caller';
import type { Logger } from '../logger';
import type { Authenticator } from './auth';
import { ErrorCode, HttpError, httpErrorOf } from './errors';
import type { RouteCors, RouteDefinition, RouteRequest, RouteResponse } from './route';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldOf(issue: ValidationIssue): string {
  const missing = issue.params.missingProperty ?? issue.params.additionalProperty;
  const base = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (typeof missing === 'string') return base ? `${base}.${missing}` : missing;
  return base;
}

function validationError(error: FastifyError): HttpError {
  const issue = error.validation?.[0] as ValidationIssue | undefined;
  const location = error.validationContext ?? 'body';
  if (!issue) return new HttpError(400, ErrorCode.validationFailed, error.message);
  const field = fieldOf(issue);
  const reason =
    issue.params.additionalProperty !== undefined
      ? 'is not an allowed property'
      : (issue.message ?? 'is invalid');
  const message = field ? `Invalid ${location}: '${field}' ${reason}` : `Invalid ${location}: ${reason}`;
  return new HttpError(400, ErrorCode.validationFailed, message, { field, location });
}

/** Maps anything thrown while handling a request onto the JSON error contract. */
export function toHttpError(error: FastifyError | Error): HttpError {
  if (error instanceof HttpError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return validationError(fastifyError);
  const mapped = httpErrorOf(error);
  if (mapped) return mapped;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, ErrorCode.payloadTooLarge, 'Request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(
        415,
        ErrorCode.unsupportedMediaType,
        'Unsupported content type; send application/json',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, ErrorCode.validationFailed, 'Request body is empty; expected a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, ErrorCode.validationFailed, 'Request body is not valid JSON');
    // Longer than any path parameter's schema allows; answered before routing.
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpError(400, ErrorCode.validationFailed, 'A path parameter is too long', {
        location: 'params',
      });
    case 'FST_ERR_BAD_URL':
      return new HttpError(400, ErrorCode.validationFailed, 'The URL is malformed', { location: 'params' });
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new HttpError(fastifyError.statusCode, ErrorCode.validationFailed, fastifyError.message);
  }
  return new HttpError(500, ErrorCode.internal, 'Internal server error');
}

function toRouteRequest(request: FastifyRequest, streamBody: boolean, caller: Caller): RouteRequest {
  return {
    caller,
    params: request.params as RouteRequest['params'],
    query: request.query as RouteRequest['query'],
    headers: request.headers as Record<string, string | undefined>,
    body: streamBody ? undefined : request.body,
    stream: streamBody ? request.raw : undefined,
  };
}

function send(reply: FastifyReply, response: RouteResponse): FastifyReply {
  if (response.headers) reply.headers(response.headers);
  reply.code(response.status);
  if (response.stream) return reply.send(Readable.from(response.stream, { objectMode: false }));
  return response.body === undefined ? reply.send() : reply.send(response.body);
}

/** Requests are validated against the route's schemas; responses are described, not filtered. */
function requestSchemas({ schema }: RouteDefinition): FastifySchema {
  const parts = { params: schema.params, querystring: schema.querystring, body: schema.body };
  return Object.fromEntries(Object.entries(parts).filter(([, part]) => part !== undefined));
}

/** Set before the handler runs, so error answers (a 400 from validation) carry them too. */
function allowOrigin(cors: RouteCors, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('vary', 'Origin');
  if (request.headers.origin !== cors.origin) return;
  reply.header('access-control-allow-origin', cors.origin);
  reply.header('access-control-allow-credentials', 'true');
}

/** The browser's preflight: which methods and headers the origin may use. */
function mountPreflight(app: FastifyInstance, route: RouteDefinition, cors: RouteCors): void {
  app.route({
    method: 'OPTIONS',
    url: route.path,
    onRequest: async (request, reply) => allowOrigin(cors, request, reply),
    handler: async (_request, reply) =>
      reply
        .code(204)
        .header('access-control-allow-methods', route.method)
        .header('access-control-allow-headers', cors.allowHeaders.join(', '))
        .header('access-control-max-age', '600')
        .send(),
  });
}

function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply.code(error.status).headers(error.headers).send(error.toBody());
}

// Set by the route's onRequest hook, read by its handler.
const callers = new WeakMap<FastifyRequest, Caller>();

function mount(app: FastifyInstance, route: RouteDefinition, authenticate: Authenticator): void {
  const streamBody = route.bodyKind === 'stream';
  const cors = route.cors;
  app.route({
    method: route.method,
    url: route.path,
    schema: requestSchemas(route),
    // Before validation, so that a caller without access learns nothing about the route's input.
    // CORS headers first, so that a refusal reaches the browser too.
    onRequest: async (request, reply) => {
      if (cors) allowOrigin(cors, request, reply);
      callers.set(request, authenticate(route.access, request.headers.authorization));
    },
    handler: async (request, reply) => {
      const caller = callers.get(request);
      if (!caller) throw new Error(`No caller was established for ${route.method} ${route.path}`);
      return send(reply, await route.handler(toRouteRequest(request, streamBody, caller)));
    },
  });
  if (cors) mountPreflight(app, route, cors);
}

export interface FastifyAdapterOptions {
  logger: Logger;
  /** Who is calling, and whether they may use a route of the given access. */
  authenticate: Authenticator;
  /** Told about every answered request, with the route pattern (not the raw URL); for metrics. */
  onRequestAnswered?: (sample: AnsweredRequest) => void;
}

export interface AnsweredRequest {
  method: string;
  /** The route pattern, `/jobs/:jobId`; undefined when no route matched. */
  route: string | undefined;
  status: number;
  durationSeconds: number;
}

function isRead(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/** Reads (status polls, health checks, scrapes) are chatter at `info`: their request lines go to `debug`. */
class QuietReadsLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (!isRead(request.method)) return super.incomingRequest(request, reply);
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error || !isRead(request.method)) return super.requestCompleted(error, request, reply);
    reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

export function createFastifyApp(routes: RouteDefinition[], options: FastifyAdapterOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyServerOptions['loggerInstance'],
    logController: new QuietReadsLogController(),
    // Largest JSON body accepted; stream routes enforce their own limits.
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false } },
    // Above every path parameter's maxLength, so that the schema names the parameter first.
    routerOptions: { maxParamLength: 1000 },
    // Errors raised before a route is found answer with the same JSON error contract.
    frameworkErrors: (error, _request, reply) => {
      return sendError(reply as FastifyReply, toHttpError(error));
    },
  });

  // Log lines about a job's request carry its id (the workflow id is the job id).
  app.addHook('onRequest', async (request, reply) => {
    const jobId = (request.params as Record<string, string> | undefined)?.jobId;
    if (!jobId) return;
    const log = request.log.child({ jobId, workflowId: jobId });
    request.log = log;
    (reply as { log: typeof log }).log = log;
  });
  const onRequestAnswered = options.onRequestAnswered;
  if (onRequestAnswered) {
    app.addHook('onResponse', async (request, reply) => {
      onRequestAnswered({
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        durationSeconds: reply.elapsedTime / 1000,
      });
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const httpError = toHttpError(error);
    if (httpError.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(reply, httpError);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: `Route ${request.method} ${request.url} not found`, code: ErrorCode.notFound }),
  );

  for (const route of routes.filter((candidate) => candidate.bodyKind !== 'stream'))
    mount(app, route, options.authenticate);

  const streamRoutes = routes.filter((candidate) => candidate.bodyKind === 'stream');
  if (streamRoutes.length > 0) {
    // Own context: these routes take any content type and read the body themselves, as a stream.
    void app.register(async (child) => {
      child.removeAllContentTypeParsers();
      child.addContentTypeParser('*', (_request, _payload, done) => done(null));
      for (const route of streamRoutes) mount(child, route, options.authenticate);
    });
  }
  return app;
}
