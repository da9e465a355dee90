// The OpenAPI 3.1 document, generated from the same route definitions the adapter mounts.
import { OptionalKind, type TSchema } from '@sinclair/typebox';
import type { ResponseSpec, RouteDefinition } from './route';
import { errorResponse } from './schemas';

type JsonObject = Record<string, unknown>;

/** `/jobs/:jobId` → `/jobs/{jobId}` */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** TypeBox schemas carry symbols; a JSON round trip leaves plain JSON Schema. */
function plain(schema: TSchema): JsonObject {
  return JSON.parse(JSON.stringify(schema)) as JsonObject;
}

function parameters(location: 'path' | 'query' | 'header', schema: TSchema | undefined): JsonObject[] {
  if (!schema) return [];
  const object = plain(schema) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

function requestBody(route: RouteDefinition): JsonObject | undefined {
  if (route.streamBody) {
    const content = Object.fromEntries(
      Object.entries(route.streamBody).map(([type, schema]) => [type, { schema: plain(schema) }]),
    );
    return { required: true, content };
  }
  const body = route.schema.body;
  if (!body) return undefined;
  return { required: !(OptionalKind in body), content: { 'application/json': { schema: plain(body) } } };
}

/** What the adapter itself answers for any route, besides what the route declares. */
function adapterResponses(route: RouteDefinition): Record<number, ResponseSpec> {
  const { schema } = route;
  const responses: Record<number, ResponseSpec> = { 500: errorResponse('Internal server error') };
  if (schema.body ?? schema.params ?? schema.querystring ?? schema.headers) {
    responses[400] = errorResponse('The request is invalid');
  }
  if (schema.body) {
    responses[413] = errorResponse('The body is too large');
    responses[415] = errorResponse('The body is not application/json');
  }
  return responses;
}

export const BEARER_SCHEME = 'bearerToken';

/** What the adapter answers for a route that needs a token (none of them in open mode). */
function accessResponses(route: RouteDefinition): Record<number, ResponseSpec> {
  if (route.access === 'public') return {};
  return {
    401: errorResponse('No bearer token, or one this API does not know (`WWW-Authenticate: Bearer`)'),
    403: errorResponse('The token lacks the scope this operation needs; `scope` names it'),
  };
}

/** OpenAPI 3.1 lets a non-OAuth requirement list roles: here the scope the route needs. */
function security(route: RouteDefinition): JsonObject[] {
  if (route.access === 'public') return [];
  const role = route.access === 'metrics' ? 'metrics' : route.access;
  return [{ [BEARER_SCHEME]: [role] }];
}

function response(spec: ResponseSpec): JsonObject {
  if (!spec.schema) return { description: spec.description };
  const content = { [spec.contentType ?? 'application/json']: spec.schema, ...spec.otherContent };
  return {
    description: spec.description,
    content: Object.fromEntries(
      Object.entries(content).map(([type, schema]) => [type, { schema: plain(schema) }]),
    ),
  };
}

function operation(route: RouteDefinition): JsonObject {
  const responses = { ...adapterResponses(route), ...accessResponses(route), ...route.schema.responses };
  const body = requestBody(route);
  return {
    operationId: `${route.method.toLowerCase()}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ?? '').toUpperCase())}`,
    summary: route.summary,
    ...(route.tags ? { tags: route.tags } : {}),
    security: security(route),
    parameters: [
      ...parameters('path', route.schema.params),
      ...parameters('query', route.schema.querystring),
      ...parameters('header', route.schema.headers),
    ],
    ...(body ? { requestBody: body } : {}),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, spec]) => [status, response(spec)]),
    ),
  };
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiInfo;
  paths: Record<string, JsonObject>;
  components: { securitySchemes: JsonObject };
}

export function openApiDocument(routes: RouteDefinition[], info: OpenApiInfo): OpenApiDocument {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  const securitySchemes = {
    [BEARER_SCHEME]: {
      type: 'http',
      scheme: 'bearer',
      description:
        'A token from API_TOKENS, with the scope the operation lists (admin holds every scope); ' +
        '/metrics takes METRICS_TOKEN or an admin token. With no tokens configured (loopback only) ' +
        'every operation is open.',
    },
  };
  return { openapi: '3.1.0', info, paths, components: { securitySchemes } };
}
