// Following a job until it ends: the SSE stream when the API offers it, polling otherwise.
import { ApiError, ApiUnreachableError, type ApiClient, type JobStatusBody } from './api-client';

const TERMINAL = new Set(['completed', 'failed', 'dead_lettered', 'cancelled']);
const POLL_MS = 1_000;
/** How often a dropped stream is reopened (with Last-Event-ID) before falling back to polling. */
const MAX_RECONNECTS = 5;

export function isFinished(status: Pick<JobStatusBody, 'state'>): boolean {
  return TERMINAL.has(status.state);
}

type Listener = (status: JobStatusBody) => void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class StreamUnavailable extends Error {}

/** Reads SSE blocks from a fetch body; calls `onEvent` for each `data` block. */
async function readEvents(
  response: Response,
  onEvent: (id: string | undefined, data: string) => boolean,
): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        let id: string | undefined;
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('id:')) id = line.slice(3).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0 && onEvent(id, data.join('\n'))) return;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function followStream(api: ApiClient, jobId: string, onStatus: Listener): Promise<JobStatusBody> {
  let lastEventId: string | undefined;
  let latest: JobStatusBody | undefined;
  for (let attempt = 0; attempt <= MAX_RECONNECTS; attempt += 1) {
    let response: Response;
    try {
      response = await api.raw(
        `/jobs/${encodeURIComponent(jobId)}/events`,
        {
          headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        },
        0,
      );
    } catch (error) {
      if (attempt === 0) throw error;
      await sleep(POLL_MS);
      continue;
    }
    if (response.status === 204 && latest) return latest;
    if (response.status === 404) {
      const body = (await response.json().catch(() => ({}))) as {
        error?: string;
        code?: string;
        jobId?: string;
      };
      // A 404 about the job is final; an API without the route (older version) gets polled.
      if (body.jobId) throw new ApiError(404, body.code, body.error ?? 'Job not found');
      throw new StreamUnavailable();
    }
    if (!response.ok || !response.headers.get('content-type')?.includes('text/event-stream')) {
      await response.body?.cancel();
      throw new StreamUnavailable();
    }
    try {
      await readEvents(response, (id, data) => {
        lastEventId = id ?? lastEventId;
        latest = JSON.parse(data) as JobStatusBody;
        onStatus(latest);
        return isFinished(latest);
      });
    } catch {
      // the connection dropped mid-stream: reconnect with Last-Event-ID
    }
    if (latest && isFinished(latest)) return latest;
    await sleep(POLL_MS);
  }
  throw new StreamUnavailable();
}

async function followPolling(api: ApiClient, jobId: string, onStatus: Listener): Promise<JobStatusBody> {
  let previous = '';
  for (;;) {
    const status = await api.jobStatus(jobId);
    const key = `${status.state}|${status.stage}|${status.progress}|${status.attempts}`;
    if (key !== previous) onStatus(status);
    previous = key;
    if (isFinished(status)) return status;
    await sleep(POLL_MS);
  }
}

/** Calls `onStatus` on every change until the job ends; resolves with the full final status. */
export async function followJob(api: ApiClient, jobId: string, onStatus: Listener): Promise<JobStatusBody> {
  try {
    await followStream(api, jobId, onStatus);
  } catch (error) {
    if (error instanceof ApiError || error instanceof ApiUnreachableError) throw error;
    if (!(error instanceof StreamUnavailable)) throw error;
    return followPolling(api, jobId, onStatus);
  }
  // The stream's last event has the result; the status route adds the Web UI link.
  return api.jobStatus(jobId);
}
