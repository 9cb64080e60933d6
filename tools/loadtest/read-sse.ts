import type { IncomingMessage } from 'node:http';

export interface SseEvent { id: number | null; event: string; data: string }

/**
 * Reads a text/event-stream response to its end, calling `onEvent` for every complete event (comments
 * and keep-alives skipped). Returns false from `onEvent` to stop reading early. Follows the WHATWG
 * parsing rules turnq's gateway relies on: `id:`, `event:`, multi-line `data:`, blank line dispatches.
 */
export async function readSse(res: IncomingMessage, onEvent: (e: SseEvent) => boolean | void): Promise<void> {
  res.setEncoding('utf8');
  let buffer = '';
  let id: number | null = null;
  let event = 'message';
  let data: string[] = [];
  for await (const chunk of res as AsyncIterable<string>) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (data.length) {
          const stop = onEvent({ id, event, data: data.join('\n') }) === false;
          if (stop) { res.destroy(); return; }
        }
        event = 'message';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      else if (field === 'id' && /^\d+$/.test(value)) id = Number(value);
    }
  }
}
