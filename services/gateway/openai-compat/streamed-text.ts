/**
 * What of a turn's reply may still go out on an OpenAI stream, which cannot take text back. When the
 * response stage restarts after a failure (a `status` event with `restarted`), the new attempt streams
 * its reply from the start again: while it repeats what the client already has, nothing is sent; once
 * it goes past that, only the new part is. If it says something else, the stream has diverged and
 * nothing more of it is sent: the caller ends the stream with an error rather than a wrong reply.
 */
export function createStreamedText() {
  let sent = '';
  let attempt = '';
  let diverged = false;

  /** Moves `sent` up to `text` when `text` extends it; the part to send, or null once diverged. */
  function advance(text: string): string | null {
    if (diverged) return null;
    if (text.length <= sent.length) {
      if (sent.startsWith(text)) return '';
    } else if (text.startsWith(sent)) {
      const fresh = text.slice(sent.length);
      sent = text;
      return fresh;
    }
    diverged = true;
    return null;
  }

  return {
    restart(): void { attempt = ''; },
    /** The part of this delta the client has not seen ('' while a restarted attempt catches up). */
    delta(text: string): string | null {
      attempt += text;
      return advance(attempt);
    },
    /** The rest of the final reply the client has not seen, or null when what it saw is not a prefix of it. */
    finish(response: string): string | null {
      diverged = false;
      return advance(response);
    },
    sent: (): string => sent,
  };
}
