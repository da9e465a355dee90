import http from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: SseEvent[];
  body: string;
}

/** Parses `text/event-stream` blocks (enough of the format for our own server). */
export function parseEventStream(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    const event: SseEvent = { event: 'message', data: '' };
    let hasData = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') event.id = value;
      if (field === 'event') event.event = value;
      if (field === 'data') {
        event.data = hasData ? `${event.data}\n${value}` : value;
        hasData = true;
      }
    }
    if (hasData) events.push(event);
  }
  return events;
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
