// A small HTTP client for the durable-jobs API, for the command-line tool.
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';

/** The API could not be reached at all (nothing listening, DNS, timeout). */
export class ApiUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    readonly reason: string,
  ) {
    super(`cannot reach the durable-jobs API at ${baseUrl} (${reason})`);
    this.name = 'ApiUnreachableError';
  }

  /** The same failure, after waiting `ms` for the API to come back. */
  gaveUpAfter(ms: number): ApiUnreachableError {
    const error = new ApiUnreachableError(this.baseUrl, this.reason);
    error.message = `${this.message}; gave up after ${Math.round(ms / 1000)} s of reconnecting`;
    return error;
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

export interface StoredFileBody {
  fileId: string;
  size: number;
  sha256: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.message ?? (error as Error).message;
}

/** What to do about a 401 or 403, on top of the API's own message. */
function accessHint(status: number): string | undefined {
  if (status === 401) return 'set DURABLE_JOBS_TOKEN to an API token (one of API_TOKENS)';
  if (status === 403) return "DURABLE_JOBS_TOKEN's token lacks the scope this command needs";
  return undefined;
}

export class ApiClient {
  readonly baseUrl: string;

  /** `token`: sent as `Authorization: Bearer <token>` (DURABLE_JOBS_TOKEN). */
  constructor(
    baseUrl: string,
    private readonly token?: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** fetch with the unreachable case told apart; no timeout when `timeoutMs` is 0 (streams). */
  async raw(path: string, init: RequestInit = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Response> {
    try {
      const headers = new Headers(init.headers);
      if (this.token) headers.set('authorization', `Bearer ${this.token}`);
      return await fetch(this.url(path), {
        ...init,
        headers,
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
      const stated =
        typeof error === 'object' && error?.error
          ? error.error
          : `HTTP ${response.status} ${response.statusText}`;
      const hint = accessHint(response.status);
      const message = hint ? `${stated}; ${hint}` : stated;
      throw new ApiError(response.status, typeof error === 'object' ? error?.code : undefined, message);
    }
    return body;
  }

  /** POST /files, streaming the file from disk; `onSent` hears the bytes read so far. */
  async uploadFile(
    filePath: string,
    contentType: string,
    onSent: (bytes: number) => void = () => undefined,
  ): Promise<StoredFileBody> {
    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sent += chunk.length;
        onSent(sent);
        callback(null, chunk);
      },
    });
    const body = Readable.toWeb(fs.createReadStream(filePath).pipe(counter)) as ReadableStream<Uint8Array>;
    const response = await this.raw(
      '/files',
      { method: 'POST', body, headers: { 'content-type': contentType }, duplex: 'half' } as RequestInit,
      0,
    );
    return (await this.readBody(response)) as StoredFileBody;
  }

  startUpload(request: {
    fileId: string;
    notifyUrl?: string;
    notifyEmail?: string;
  }): Promise<{ jobId: string }> {
    return this.postJson('/upload', request);
  }

  jobStatus(jobId: string): Promise<JobStatusBody> {
    return this.json(`/jobs/${encodeURIComponent(jobId)}`);
  }

  postJson<T>(path: string, body: unknown): Promise<T> {
    return this.json(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}
