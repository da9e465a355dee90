// A small HTTP client for the durable-jobs API, for the command-line tool.
import fs from 'node:fs';
import { Readable } from 'node:stream';

/** The API could not be reached at all (nothing listening, DNS, timeout). */
export class ApiUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    reason: string,
  ) {
    super(`cannot reach the durable-jobs API at ${baseUrl} (${reason})`);
    this.name = 'ApiUnreachableError';
  }
}

/** The API answered with an error status; `message` is its `error` text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface JobStatusBody {
  jobId: string;
  type?: string;
  state: string;
  stage?: string;
  progress: number;
  attempts?: number;
  result?: unknown;
  error?: string | null;
  webUiUrl?: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.message ?? (error as Error).message;
}

export class ApiClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** fetch with the unreachable case told apart; no timeout when `timeoutMs` is 0 (streams). */
  async raw(path: string, init: RequestInit = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Response> {
    try {
      return await fetch(this.url(path), {
        ...init,
        signal: init.signal ?? (timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined),
      });
    } catch (error) {
      throw new ApiUnreachableError(this.baseUrl, reasonOf(error));
    }
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.raw(path, init);
    return (await this.readBody(response)) as T;
  }

  async readBody(response: Response): Promise<unknown> {
    const text = await response.text();
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!response.ok) {
      const error = body as { error?: string; code?: string } | undefined;
      const message =
        typeof error === 'object' && error?.error
          ? error.error
          : `HTTP ${response.status} ${response.statusText}`;
      throw new ApiError(response.status, typeof error === 'object' ? error?.code : undefined, message);
    }
    return body;
  }

  /** POST /files, streaming the file from disk. */
  async uploadFile(
    filePath: string,
    contentType: string,
  ): Promise<{ fileId: string; size: number; sha256: string }> {
    const body = Readable.toWeb(fs.createReadStream(filePath)) as ReadableStream<Uint8Array>;
    const response = await this.raw(
      '/files',
      { method: 'POST', body, headers: { 'content-type': contentType }, duplex: 'half' } as RequestInit,
      0,
    );
    return (await this.readBody(response)) as { fileId: string; size: number; sha256: string };
  }

  startUpload(fileId: string, notifyUrl?: string): Promise<{ jobId: string }> {
    return this.json('/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notifyUrl ? { fileId, notifyUrl } : { fileId }),
    });
  }

  jobStatus(jobId: string): Promise<JobStatusBody> {
    return this.json(`/jobs/${encodeURIComponent(jobId)}`);
  }
}
