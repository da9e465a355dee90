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
import {
  allowOriginHeaders,
  bodyTooLarge,
  emptyJsonBody,
  internalError,
  invalidJsonBody,
  isRead,
  JSON_BODY_LIMIT_BYTES,
  knownHttpError,
  malformedUrl,
  MAX_PARAM_LENGTH,
  paramTooLong,
  preflightHeaders,
  REQUEST_VALIDATION_OPTIONS,
  routeNotFound,
  unsupportedMediaType,
  validationError,
  type AnsweredRequest,
  type RequestPart,
  type ValidationIssue,
} from './edge-policy';
import { ErrorCode, HttpError } from './errors';
import type { RouteCors, RouteDefinition, RouteRequest, RouteResponse } from './route';

function fastifyValidationError(error: FastifyError): HttpError {
  const issue = error.validation?.[0] as ValidationIssue | undefined;
  return validationError(issue, (error.validationContext ?? 'body') as RequestPart, error.message);
}

/** Maps anything thrown while handling a request onto the JSON error contract. */
export function toHttpError(error: FastifyError | Error): HttpError {
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return fastifyValidationError(fastifyError);
  const known = knownHttpError(error);
  if (known) return known;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return emptyJsonBody();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidJsonBody();
    // Longer than any path parameter's schema allows; answered before routing.
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return paramTooLong();
    case 'FST_ERR_BAD_URL':
      return malformedUrl();
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new HttpError(fastifyError.statusCode, ErrorCode.validationFailed, fastifyError.message);
  }
  return internalError();
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
  reply.headers(allowOriginHeaders(cors, request.headers.origin));
}

/** The browser's preflight: which methods and headers the origin may use. */
function mountPreflight(app: FastifyInstance, route: RouteDefinition, cors: RouteCors): void {
  app.route({
    method: 'OPTIONS',
    url: route.path,
    onRequest: async (request, reply) => allowOrigin(cors, request, reply),
    handler: async (_request, reply) => reply.code(204).headers(preflightHeaders(cors, route.method)).send(),
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

export type { AnsweredRequest } from './edge-policy';

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
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    ajv: { customOptions: REQUEST_VALIDATION_OPTIONS },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
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
  app.setNotFoundHandler((request, reply) => sendError(reply, routeNotFound(request.method, request.url)));

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
