import { Readable } from 'node:stream';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifySchema,
  type FastifyServerOptions,
} from 'fastify';
import type { Logger } from '../logger';
import { ErrorCode, HttpError, httpErrorOf } from './errors';
import type { RouteDefinition, RouteRequest, RouteResponse } from './route';

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

function toRouteRequest(request: FastifyRequest, streamBody: boolean): RouteRequest {
  return {
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

function mount(app: FastifyInstance, route: RouteDefinition): void {
  const streamBody = route.bodyKind === 'stream';
  app.route({
    method: route.method,
    url: route.path,
    schema: requestSchemas(route),
    handler: async (request, reply) => send(reply, await route.handler(toRouteRequest(request, streamBody))),
  });
}

export interface FastifyAdapterOptions {
  logger: Logger;
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

export function createFastifyApp(routes: RouteDefinition[], options: FastifyAdapterOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyServerOptions['loggerInstance'],
    // Largest JSON body accepted; stream routes enforce their own limits.
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false } },
    // Above every path parameter's maxLength, so that the schema names the parameter first.
    routerOptions: { maxParamLength: 1000 },
    // Errors raised before a route is found answer with the same JSON error contract.
    frameworkErrors: (error, _request, reply) => {
      const httpError = toHttpError(error);
      return (reply as FastifyReply).code(httpError.status).send(httpError.toBody());
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
    return reply.code(httpError.status).send(httpError.toBody());
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: `Route ${request.method} ${request.url} not found`, code: ErrorCode.notFound }),
  );

  for (const route of routes.filter((candidate) => candidate.bodyKind !== 'stream')) mount(app, route);

  const streamRoutes = routes.filter((candidate) => candidate.bodyKind === 'stream');
  if (streamRoutes.length > 0) {
    // Own context: these routes take any content type and read the body themselves, as a stream.
    void app.register(async (child) => {
      child.removeAllContentTypeParsers();
      child.addContentTypeParser('*', (_request, _payload, done) => done(null));
      for (const route of streamRoutes) mount(child, route);
    });
  }
  return app;
}
