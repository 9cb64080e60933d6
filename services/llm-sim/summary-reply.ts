import type { SimMessage } from './chat-request';
import { snippetOf } from './chat-reply';
import { isMostlyKorean } from './seeded-random';

export const SUMMARY_PREFIX = '[sim summary]';

export function looksLikeSummaryRequest(systemText: string): boolean {
  // An instruction to write a summary, not a chat prompt that merely carries one ("Summary of the
  // earlier conversation: ..." rides in turnq's own reply prompts).
  return /\bsummari[sz]e\b|\brolling summary\b|\bwrite (a|the) summary\b|요약해|요약하/i.test(systemText);
}

/*
 * A summarizer may send the history as separate messages or as one transcript ("user: …" lines) in a
 * single message; the folded count is whichever of the two is larger.
 */
const TRANSCRIPT_LINE = /^\s*(?:\[[^\]]*\]\s*)?(user|assistant|사용자|어시스턴트|human|ai)\s*[:：]/gim;

export function foldedMessageCount(messages: readonly SimMessage[]): number {
  const history = messages.filter((m) => m.role !== 'system' && m.role !== 'developer');
  const transcriptLines = history.reduce((n, m) => n + (m.content.match(TRANSCRIPT_LINE)?.length ?? 0), 0);
  return Math.max(history.length, transcriptLines);
}

/*
 * What the user said, in order: the "user:" lines of a transcript, else the user messages themselves.
 * The summarizer's own framing ("Previous summary: …", "New messages:") is prompt, not conversation.
 */
const USER_LINE = /^\s*(?:\[[^\]]*\]\s*)?(?:user|사용자|human)\s*[:：]\s*(.+)$/gim;

function userSaid(history: readonly SimMessage[]): string[] {
  return history.flatMap((m) => {
    const lines = [...m.content.matchAll(USER_LINE)].map((x) => x[1]);
    if (lines.length > 0) return lines;
    return m.role === 'user' && !/^\s*previous summary/i.test(m.content) ? [m.content] : [];
  });
}

/** A canned summary that reads like one: how many messages it folded, how the user opened, where they are now. */
export function summaryReply(messages: readonly SimMessage[]): string {
  const history = messages.filter((m) => m.role !== 'system' && m.role !== 'developer');
  const n = foldedMessageCount(messages);
  const said = userSaid(history).map((t) => snippetOf(t, 40)).filter((t) => t.length > 0);
  const first = said[0];
  const last = said.length > 1 ? said[said.length - 1] : null;
  if (isMostlyKorean(said.join(' '))) {
    const what = first === undefined ? '사용자 메시지는 없었습니다.'
      : `사용자는 "${first}"(이)라는 말로 시작했고${last ? `, 가장 최근에는 "${last}"(이)라고 했습니다.` : ' 그 뒤로 다른 말은 없었습니다.'}`;
    return `${SUMMARY_PREFIX} 메시지 ${n}개를 요약합니다. ${what} (모델이 아니라 turnq LLM 시뮬레이터가 만든 요약입니다.)`;
  }
  const what = first === undefined ? 'The user wrote nothing.'
    : `The user opened with "${first}"${last ? ` and most recently wrote "${last}".` : ' and wrote nothing else.'}`;
  return `${SUMMARY_PREFIX} Folded ${n} messages. ${what} (A canned summary from the turnq LLM simulator, not a model.)`;
}
