import { Type } from '@sinclair/typebox';
import { FileNotFound } from '../../errors';
import type { FileStore } from '../../files/file-store';
import { receiveUpload } from '../../files/intake';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse, FileDescription } from '../schemas';

function describe(file: { fileId: string; size: number; sha256: string; contentType: string }) {
  return { fileId: file.fileId, size: file.size, sha256: file.sha256, contentType: file.contentType };
}

export function fileRoutes(files: FileStore, maxUploadBytes: number): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/files',
      access: 'jobs:create',
      summary: 'Upload a file: a raw body of any type, or multipart field `file`',
      tags: ['files'],
      bodyKind: 'stream',
      streamBody: {
        'application/octet-stream': Type.String({ format: 'binary' }),
        'multipart/form-data': Type.Object(
          { file: Type.String({ format: 'binary' }) },
          { required: ['file'] },
        ),
      },
      schema: {
        responses: {
          201: { description: 'Stored; `Location` is its URL', schema: FileDescription },
          400: errorResponse('Empty, or a malformed multipart body without field `file`'),
          413: errorResponse('Larger than MAX_UPLOAD_BYTES'),
        },
      },
      handler: async (request) => {
        const stored = await receiveUpload(files, {
          body: request.stream!,
          headers: request.headers,
          limitBytes: maxUploadBytes,
        });
        return { status: 201, body: describe(stored), headers: { location: `/files/${stored.fileId}` } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/files/:fileId',
      access: 'jobs:read',
      summary: 'What was stored for a file',
      tags: ['files'],
      schema: {
        params: Type.Object({ fileId: Type.String({ minLength: 1, maxLength: 200 }) }),
        responses: {
          200: { description: 'The stored file', schema: FileDescription },
          404: errorResponse('No file with this id'),
        },
      },
      handler: async (request) => {
        const stored = await files.get(request.params.fileId);
        if (!stored) throw new FileNotFound(request.params.fileId);
        return { status: 200, body: { ...describe(stored), createdAt: stored.createdAt } };
      },
    }),
  ];
}
