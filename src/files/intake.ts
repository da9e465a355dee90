import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { InvalidInput, UploadTooLarge } from '../errors';
import { FileTooLargeError, type FileStore, type StoredFile } from './file-store';

const MULTIPART_FIELD = 'file';

export interface IntakeRequest {
  body: Readable;
  headers: Record<string, string | undefined>;
  limitBytes: number;
}

async function saveRaw(store: FileStore, request: IntakeRequest): Promise<StoredFile> {
  const contentType = request.headers['content-type']?.split(';')[0]?.trim() || 'application/octet-stream';
  try {
    return await store.save(request.body, { contentType, limitBytes: request.limitBytes });
  } catch (error) {
    // Drain the rest so the client, still sending, reads our answer rather than a reset.
    request.body.resume();
    throw error;
  }
}

function saveMultipart(store: FileStore, request: IntakeRequest): Promise<StoredFile> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers as Record<string, string>, limits: { files: 1 } });
    } catch (error) {
      reject(new InvalidInput(`Malformed multipart request: ${(error as Error).message}`));
      return;
    }
    let saving: Promise<StoredFile> | undefined;
    parser.on('file', (field, stream, info) => {
      if (field !== MULTIPART_FIELD || saving) {
        stream.resume();
        return;
      }
      saving = store.save(stream, {
        contentType: info.mimeType || 'application/octet-stream',
        originalName: info.filename,
        limitBytes: request.limitBytes,
      });
      saving.catch((error) => {
        request.body.unpipe(parser);
        request.body.resume();
        reject(error);
      });
    });
    parser.on('error', (error: Error) =>
      reject(new InvalidInput(`Malformed multipart request: ${error.message}`)),
    );
    parser.on('close', () => {
      if (!saving)
        reject(
          new InvalidInput(`Multipart field '${MULTIPART_FIELD}' is missing`, { field: MULTIPART_FIELD }),
        );
      else saving.then(resolve, reject);
    });
    request.body.pipe(parser);
  });
}

/** Takes an upload as a raw body of any type or as multipart field `file`, streaming it into the store. */
export async function receiveUpload(store: FileStore, request: IntakeRequest): Promise<StoredFile> {
  const declaredLength = Number(request.headers['content-length'] ?? NaN);
  if (declaredLength > request.limitBytes) throw new UploadTooLarge(request.limitBytes);
  const multipart = request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data') ?? false;
  try {
    const stored = await (multipart ? saveMultipart(store, request) : saveRaw(store, request));
    if (stored.size === 0) {
      await store.remove(stored.fileId);
      throw new InvalidInput('The uploaded file is empty');
    }
    return stored;
  } catch (error) {
    if (error instanceof FileTooLargeError) throw new UploadTooLarge(request.limitBytes);
    throw error;
  }
}
