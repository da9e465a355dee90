import { Type } from '@sinclair/typebox';
import type { PayloadCodec } from '@temporalio/common';
import { runRemoteCodec, type CodecDirection } from '../../temporal/remote-codec';
import { defineRoute, type RouteCors, type RouteDefinition } from '../route';
import { errorResponse } from '../schemas';

const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', maxLength: 4 * 1024 * 1024 });

const CodecPayload = Type.Object(
  {
    metadata: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Base64)),
    data: Type.Optional(Base64),
  },
  { additionalProperties: false, title: 'CodecPayload' },
);

const CodecBody = Type.Object(
  { payloads: Type.Array(CodecPayload, { maxItems: 1000 }) },
  { additionalProperties: false, title: 'CodecPayloads' },
);

/** What the Web UI sends across origins: JSON, its namespace, and a token when it passes one. */
const CODEC_REQUEST_HEADERS = ['content-type', 'x-namespace', 'authorization'];

function codecRoute(codec: PayloadCodec, direction: CodecDirection, cors: RouteCors): RouteDefinition {
  return defineRoute({
    method: 'POST',
    path: `/codec/${direction}`,
    summary:
      direction === 'decode'
        ? 'Decrypt Temporal payloads (remote codec protocol, for the Web UI and CLI)'
        : 'Encrypt Temporal payloads (remote codec protocol, for the Web UI and CLI)',
    tags: ['codec'],
    access: 'admin',
    cors,
    schema: {
      body: CodecBody,
      responses: {
        200: { description: `The payloads, ${direction}d, in the same order`, schema: CodecBody },
        400: errorResponse('The body is not a list of payloads, or a payload cannot be decrypted'),
      },
    },
    handler: async (request) => ({
      status: 200,
      body: { payloads: await runRemoteCodec(codec, direction, request.body.payloads) },
    }),
  });
}

/**
 * `POST /codec/encode` and `/codec/decode`, callable from the Temporal Web UI's origin. Mounted only
 * when payload encryption is on: without keys there is nothing to decode, and the routes are 404.
 */
export function codecRoutes(codec: PayloadCodec | undefined, webUiUrl: string): RouteDefinition[] {
  if (!codec) return [];
  const cors: RouteCors = { origin: new URL(webUiUrl).origin, allowHeaders: CODEC_REQUEST_HEADERS };
  return [codecRoute(codec, 'decode', cors), codecRoute(codec, 'encode', cors)];
}
