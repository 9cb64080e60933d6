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

/** A canned summary naming how many messages it folded and quoting the start of a few of them. */
export function summaryReply(messages: readonly SimMessage[]): string {
  const history = messages.filter((m) => m.role !== 'system' && m.role !== 'developer');
  const n = foldedMessageCount(messages);
  const quotes = history.slice(-3).map((m) => `"${snippetOf(m.content, 24)}"`).join(', ');
  const korean = isMostlyKorean(history.map((m) => m.content).join(' '));
  if (korean) {
    return `${SUMMARY_PREFIX} 메시지 ${n}개를 요약했습니다. 이 요약은 모델이 아니라 turnq LLM 시뮬레이터가 만든 고정 문장입니다.` +
      (quotes ? ` 최근 내용: ${quotes}.` : '');
  }
  return `${SUMMARY_PREFIX} Folded ${n} messages. This canned summary comes from the turnq LLM simulator, not a model.` +
    (quotes ? ` Recent: ${quotes}.` : '');
}
