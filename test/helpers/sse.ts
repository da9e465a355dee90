import http from 'node:http';
import { parseEventStream, type SseEvent } from '../../src/cli/event-stream';

export interface SseResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  body: string;
}

/** GETs an event stream over real HTTP and reads it until the server closes it. */
export function readEventStream(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 45_000,
): Promise<SseResponse> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          events: parseEventStream(body),
          body,
        });
      });
      response.on('error', reject);
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(`event stream ${url} still open after ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
