// Framework-neutral route definitions: method, path, one JSON Schema per request
// part and per response, and an async handler returning status and body. The schemas give the
// handler its types, the adapter (Fastify, or Spikard with HTTP_SERVER=spikard) validates
// requests with them, and the OpenAPI document (`openapi.ts`) is generated from them.
import type { Readable } from 'node:stream';
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { Caller, Scope } from '../auth/caller';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Who may call a route: anyone (`public`), a caller holding a scope, or the metrics scraper
 * (`METRICS_TOKEN`, or an admin token). Enforced by the adapter before the request is validated.
 */
export type RouteAccess = 'public' | 'metrics' | Scope;

export interface ResponseSpec {
  description: string;
  /** The body's schema; omit for a response without a body. */
  schema?: TSchema;
  /** `application/json` unless given (`text/event-stream`, `text/plain`, …). */
  contentType?: string;
  /** Other content types the same status may answer with, and their schemas. */
  otherContent?: Record<string, TSchema>;
}

export interface RouteSchema {
  params?: TObject;
  querystring?: TObject;
  /** Request headers the handler reads; described, and checked by the handler. */
  headers?: TObject;
  /** JSON body schema; omit for routes that read `stream`. */
  body?: TSchema;
  /** Every status the route answers with, errors included. */
  responses: Record<number, ResponseSpec>;
}

type StaticOr<S, Fallback> = S extends TSchema ? Static<S> : Fallback;

export interface RouteRequest<S extends RouteSchema = RouteSchema> {
  params: StaticOr<S['params'], Record<string, string>>;
  query: StaticOr<S['querystring'], Record<string, string | undefined>>;
  headers: Record<string, string | undefined>;
  body: StaticOr<S['body'], undefined>;
  /** The raw request body, only for routes declared with `bodyKind: 'stream'`. */
  stream?: Readable;
  /** Who is calling: the token's name and scopes, `anonymous` with every scope in open mode. */
  caller: Caller;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * A streamed body (Server-Sent Events), written chunk by chunk as it is produced; used instead
   * of `body`. The adapter ends the iteration (`return()`) when the client goes away.
   */
  stream?: AsyncIterable<string>;
}

/** A browser on `origin` may call the route: CORS headers on its answers, its preflight answered. */
export interface RouteCors {
  origin: string;
  /** Request headers the browser may send (lower case). */
  allowHeaders: string[];
}

/** The body of a status's other content types (`otherContent`), if it declares any. */
type OtherBody<Spec> = Spec extends { otherContent: infer Other extends Record<string, TSchema> }
  ? Static<Other[keyof Other]>
  : never;

/** One declared status: the body its schemas describe, or a stream when it declares a content type. */
type DeclaredResponse<Status, Spec> = { status: Status; headers?: Record<string, string> } & (Spec extends {
  schema: infer Body extends TSchema;
}
  ? | { body: Static<Body> | OtherBody<Spec>; stream?: undefined }
    | (Spec extends { contentType: string } ? { stream: AsyncIterable<string>; body?: undefined } : never)
  : { body?: undefined; stream?: undefined });

/** What a handler may answer: one of its route's declared statuses, with a body of that status's schema. */
export type HandlerResponse<Responses extends RouteSchema['responses']> = {
  [Status in keyof Responses & number]: DeclaredResponse<Status, Responses[Status]>;
}[keyof Responses & number];

export interface RouteDefinition<S extends RouteSchema = RouteSchema, R = RouteResponse> {
  method: HttpMethod;
  /** Express-style parameters (`/jobs/:jobId`); the OpenAPI document writes them `{jobId}`. */
  path: string;
  summary: string;
  tags?: string[];
  /** Required, so that no route is left open by forgetting it. */
  access: RouteAccess;
  schema: S;
  /** `stream` hands the handler the unparsed body, for uploads of any content type and size. */
  bodyKind?: 'json' | 'stream';
  /** For a `stream` body: its content types and schemas, for the OpenAPI document. */
  streamBody?: Record<string, TSchema>;
  cors?: RouteCors;
  handler(request: RouteRequest<S>): Promise<R>;
}

/**
 * The handler's answers must be declared: `tsc` rejects an undeclared status or a body that is not
 * its status's schema. (`const` keeps a returned `status: 200` the literal it is.)
 */
export function defineRoute<S extends RouteSchema, const R extends HandlerResponse<S['responses']>>(
  route: RouteDefinition<S, R>,
): RouteDefinition {
  return route as unknown as RouteDefinition;
}
