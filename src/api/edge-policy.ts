// What every HTTP adapter does the same way around a route's handler, whichever server runs it:
// how schema violations, unknown routes and thrown errors become the JSON error contract, the
// request validator options, and the CORS headers of a route a browser may call.
import { ErrorCode, HttpError, httpErrorOf } from './errors';
import type { RouteCors, RouteResponse } from './route';

/** Ajv options of request validation: no coercion, no stripping, the first error only. */
export const REQUEST_VALIDATION_OPTIONS = { allErrors: false, removeAdditional: false, coerceTypes: false };

/** Largest JSON body accepted; stream routes enforce their own limits. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

/** The request part a schema violation was found in, as the error body names it. */
export type RequestPart = 'params' | 'body' | 'querystring' | 'headers';

export interface ValidationIssue {
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

/** A schema violation as a 400 naming the field and the request part. */
export function validationError(
  issue: ValidationIssue | undefined,
  location: RequestPart,
  fallback: string,
): HttpError {
  if (!issue) return new HttpError(400, ErrorCode.validationFailed, fallback);
  const field = fieldOf(issue);
  const reason =
    issue.params.additionalProperty !== undefined
      ? 'is not an allowed property'
      : (issue.message ?? 'is invalid');
  const message = field ? `Invalid ${location}: '${field}' ${reason}` : `Invalid ${location}: ${reason}`;
  return new HttpError(400, ErrorCode.validationFailed, message, { field, location });
}

/** Errors every adapter can meet: the body, the media type, the URL. */
export const bodyTooLarge = () => new HttpError(413, ErrorCode.payloadTooLarge, 'Request body is too large');
export const unsupportedMediaType = () =>
  new HttpError(415, ErrorCode.unsupportedMediaType, 'Unsupported content type; send application/json');
export const emptyJsonBody = () =>
  new HttpError(400, ErrorCode.validationFailed, 'Request body is empty; expected a JSON object');
export const invalidJsonBody = () =>
  new HttpError(400, ErrorCode.validationFailed, 'Request body is not valid JSON');

/** Above every path parameter's maxLength, so that the schema names the parameter first. */
export const MAX_PARAM_LENGTH = 1000;

/** Longer than MAX_PARAM_LENGTH: answered before the route's schema is consulted. */
export const paramTooLong = () =>
  new HttpError(400, ErrorCode.validationFailed, 'A path parameter is too long', { location: 'params' });
export const malformedUrl = () =>
  new HttpError(400, ErrorCode.validationFailed, 'The URL is malformed', { location: 'params' });

/** What a route-less request answers. */
export function routeNotFound(method: string, url: string): HttpError {
  return new HttpError(404, ErrorCode.notFound, `Route ${method} ${url} not found`);
}

/** A thrown error as the JSON error contract: known ones mapped, anything else an opaque 500. */
export function knownHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  return httpErrorOf(error);
}

export function internalError(): HttpError {
  return new HttpError(500, ErrorCode.internal, 'Internal server error');
}

export function errorAnswer(error: HttpError): RouteResponse {
  return { status: error.status, headers: error.headers, body: error.toBody() };
}

/** Set on every answer of a CORS route, errors included, so that a refusal reaches the browser. */
export function allowOriginHeaders(cors: RouteCors, origin: string | undefined): Record<string, string> {
  if (origin !== cors.origin) return { vary: 'Origin' };
  return {
    vary: 'Origin',
    'access-control-allow-origin': cors.origin,
    'access-control-allow-credentials': 'true',
  };
}

/** The browser's preflight: which method and headers the origin may use. */
export function preflightHeaders(cors: RouteCors, method: string): Record<string, string> {
  return {
    'access-control-allow-methods': method,
    'access-control-allow-headers': cors.allowHeaders.join(', '),
    'access-control-max-age': '600',
  };
}

/** What every adapter tells `onRequestAnswered` (for metrics). */
export interface AnsweredRequest {
  method: string;
  /** The route pattern, `/jobs/:jobId`; undefined when no route matched. */
  route: string | undefined;
  status: number;
  durationSeconds: number;
}

/** Reads (status polls, health checks, scrapes) are chatter: their request lines are logged at debug. */
export function isRead(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}
