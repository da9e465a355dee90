// Framework-neutral route definitions (Spikard-shaped): method, path, JSON schemas and an async
// handler returning status and body. Adapters (Fastify today) mount them.
import type { Readable } from 'node:stream';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type JsonSchema = Record<string, unknown>;

export interface RouteSchema {
  params?: JsonSchema;
  querystring?: JsonSchema;
  /** JSON body schema; omit for routes that read `stream`. */
  body?: JsonSchema;
}

export interface RouteRequest<Body = unknown> {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  body: Body;
  /** The raw request body, only for routes declared with `bodyKind: 'stream'`. */
  stream?: Readable;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * A streamed body (Server-Sent Events), written chunk by chunk as it is produced; used instead
   * of `body`. Adapters end the iteration (`return()`) when the client goes away.
   */
  stream?: AsyncIterable<string>;
}

export interface RouteDefinition<Body = unknown> {
  method: HttpMethod;
  /** Express-style parameters (`/jobs/:jobId`); a Spikard adapter rewrites them to `{jobId}`. */
  path: string;
  schema?: RouteSchema;
  /** `stream` hands the handler the unparsed body, for uploads of any content type and size. */
  bodyKind?: 'json' | 'stream';
  handler(request: RouteRequest<Body>): Promise<RouteResponse>;
}

export function defineRoute<Body = unknown>(route: RouteDefinition<Body>): RouteDefinition {
  return route as RouteDefinition;
}
