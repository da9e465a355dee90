// An event stream answered whole, for a server that cannot stream a response: the chunks of one
// window. The answer ends when the stream does, shortly after its first event, or after a quiet
// wait; the client then reconnects with Last-Event-ID and gets the events after it (long polling).

export interface EventWindowOptions {
  /** How long to wait for a first event before answering with what there is. */
  quietMs: number;
  /** How long to keep collecting after the first event, for the ones that follow at once. */
  lingerMs: number;
}

export const EVENT_WINDOW: EventWindowOptions = { quietMs: 20_000, lingerMs: 250 };

/** A chunk that carries an event (not the `retry:` advice or a keep-alive comment). */
function isEvent(chunk: string): boolean {
  return /^(data|event|id):/m.test(chunk);
}

export async function collectEventWindow(
  stream: AsyncIterable<string>,
  options: EventWindowOptions = EVENT_WINDOW,
): Promise<string> {
  const iterator = stream[Symbol.asyncIterator]();
  const chunks: string[] = [];
  let deadline = Date.now() + options.quietMs;
  let sawEvent = false;
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), left)),
      );
      const next = await Promise.race([iterator.next(), timeout]).finally(() => clearTimeout(timer));
      if (next === 'timeout' || next.done) break;
      chunks.push(next.value);
      if (!sawEvent && isEvent(next.value)) {
        sawEvent = true;
        deadline = Math.min(deadline, Date.now() + options.lingerMs);
      }
    }
  } finally {
    // Not awaited: an async generator would finish its pending step first, delaying the answer.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
  return chunks.join('');
}
