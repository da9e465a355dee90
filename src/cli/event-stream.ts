// Server-Sent Events as our API writes them (`id:`, `event:`, `data:` lines, blank-line separated,
// `:` comments), parsed incrementally so a reader can act on each event as it arrives.

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

function parseBlock(block: string): SseEvent | undefined {
  const event: SseEvent = { event: 'message', data: '' };
  let hasData = false;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
    else if (field === 'data') {
      event.data = hasData ? `${event.data}\n${value}` : value;
      hasData = true;
    }
  }
  return hasData ? event : undefined;
}

/** Feed it text as it arrives; it returns the events completed so far. */
export class EventStreamParser {
  private buffered = '';

  push(text: string): SseEvent[] {
    this.buffered += text.replace(/\r\n?/g, '\n');
    const events: SseEvent[] = [];
    let end: number;
    while ((end = this.buffered.indexOf('\n\n')) !== -1) {
      const event = parseBlock(this.buffered.slice(0, end));
      this.buffered = this.buffered.slice(end + 2);
      if (event) events.push(event);
    }
    return events;
  }
}

/** Parses a whole event stream body. */
export function parseEventStream(text: string): SseEvent[] {
  return new EventStreamParser().push(text.endsWith('\n\n') ? text : `${text}\n\n`);
}
