// Request validation for adapters that do not validate themselves: each route's schemas compiled
// once, by the same compiler and with the same options as Fastify's, so that both servers accept,
// default and refuse the same requests with the same messages.
import AjvCompiler from '@fastify/ajv-compiler';
import type { TSchema } from '@sinclair/typebox';
import { REQUEST_VALIDATION_OPTIONS, validationError, type RequestPart } from './edge-policy';
import type { HttpError } from './errors';
import type { RouteDefinition } from './route';

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

export interface RequestParts {
  params: unknown;
  body: unknown;
  querystring: unknown;
}

/** Checks the parts in Fastify's order (params, body, querystring); the first violation, if any. */
export type RequestValidator = (parts: RequestParts) => HttpError | undefined;

const compilerFor = AjvCompiler()({}, { customOptions: REQUEST_VALIDATION_OPTIONS });

function compile(
  route: RouteDefinition,
  part: RequestPart,
  schema: TSchema | undefined,
): Validate | undefined {
  if (!schema) return undefined;
  return compilerFor({ schema, method: route.method, url: route.path, httpPart: part }) as Validate;
}

export function compileRequestValidator(route: RouteDefinition): RequestValidator {
  const checks: [keyof RequestParts, RequestPart, Validate | undefined][] = [
    ['params', 'params', compile(route, 'params', route.schema.params)],
    ['body', 'body', compile(route, 'body', route.schema.body)],
    ['querystring', 'querystring', compile(route, 'querystring', route.schema.querystring)],
  ];
  return (parts) => {
    for (const [key, location, validate] of checks) {
      if (!validate || validate(parts[key])) continue;
      const issue = validate.errors?.[0] as Parameters<typeof validationError>[0];
      return validationError(issue, location, `Invalid ${location}`);
    }
    return undefined;
  };
}
