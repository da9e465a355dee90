import type { FileStore } from '../../files/file-store';
import { receiveUpload } from '../../files/intake';
import { notFound } from '../errors';
import { defineRoute, type RouteDefinition } from '../route';

function describe(file: { fileId: string; size: number; sha256: string; contentType: string }) {
  return { fileId: file.fileId, size: file.size, sha256: file.sha256, contentType: file.contentType };
}

export function fileRoutes(files: FileStore, maxUploadBytes: number): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/files',
      bodyKind: 'stream',
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
      handler: async (request) => {
        const fileId = request.params.fileId ?? '';
        const stored = await files.get(fileId);
        if (!stored) throw notFound('File not found', { fileId });
        return { status: 200, body: { ...describe(stored), createdAt: stored.createdAt } };
      },
    }),
  ];
}
