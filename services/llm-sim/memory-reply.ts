import { EXTRACTION_MARKER } from '#libs/memory';
import type { SimMessage } from './chat-request';

/*
 * A plausible, deterministic answer to turnq's memory extraction prompt (libs/memory/extraction-prompt.ts)
 * for Korean and English: a few patterns of durable statements about oneself (name, home, work, diet,
 * allergies, likes), each with a topic. A statement whose topic an existing memory already has updates
 * it (or repeats it: nothing); small talk matches no pattern and yields nothing. Not a model.
 */
type Kind = 'profile' | 'preference' | 'fact';
interface Candidate { topic: string; kind: Kind; text: string }
interface Existing { id: string; kind: string; text: string }

export function looksLikeMemoryExtraction(systemText: string): boolean {
  return systemText.includes(EXTRACTION_MARKER);
}

/** The topic a statement (the user's words or a stored memory) is about, or null. */
export function topicOf(text: string): string | null {
  const t = text.toLowerCase();
  if (/이름|\bname\b/.test(t)) return 'name';
  if (/채식|비건|고기|육식|vegetarian|vegan|\bmeat\b/.test(t)) return 'diet';
  if (/알레르기|allerg/.test(t)) return 'allergy';
  if (/살아요|살고|삽니다|사는|\blives? in\b|\bmoved to\b/.test(t)) return 'home';
  if (/직업|일해요|일합니다|근무|\bwork(s)? as\b|\bwork(s)? at\b|\bjob\b/.test(t)) return 'work';
  const like = /(\S+?)(?:을|를)?\s*(?:좋아|싫어)/.exec(t) ?? /\b(?:like|love|prefer|hate|dislike)s?\s+(\w+)/.exec(t);
  if (like) return `likes:${like[1]}`;
  return null;
}

const KO_NAME = /(?:제|내|저의|나의)\s*이름은\s*([^\s.,!?]+?)(?:이에요|예요|입니다|이야|야|이고|라고)/;
const EN_NAME = /\bmy name is ([\p{L}'-]+(?: [\p{Lu}][\p{L}'-]*)?)/iu;

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?。])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
}

/** "저는 채식주의자라 …" → "사용자는 채식주의자라 …"; "I'm a vegetarian" → "The user is a vegetarian". */
function thirdPerson(sentence: string): string {
  const s = sentence.replace(/[.!?。]+$/, '');
  if (/[\uac00-\ud7a3]/.test(s)) return `사용자는 ${s.replace(/^(?:사실\s*)?(?:저는|전|나는|난|저|제가|내가)\s*/, '')}.`;
  const en = s.replace(/^(?:actually,?\s*)?(?:i am|i'm)\b/i, 'The user is').replace(/^(?:actually,?\s*)?i\b/i, 'The user')
    .replace(/\bI'm\b/g, "they're").replace(/\bI\b/g, 'they').replace(/\bmy\b/gi, 'their');
  return `${en.charAt(0).toUpperCase()}${en.slice(1)}.`;
}

function candidates(message: string): Candidate[] {
  const out: Candidate[] = [];
  for (const s of sentences(message)) {
    if (/[?？]$/.test(s)) continue; // a question states nothing about the user
    const ko = KO_NAME.exec(s);
    const en = EN_NAME.exec(s);
    if (ko) out.push({ topic: 'name', kind: 'profile', text: `사용자의 이름은 ${ko[1]}입니다.` });
    else if (en) out.push({ topic: 'name', kind: 'profile', text: `The user's name is ${en[1]}.` });
    else {
      const first = /^(?:사실\s*|actually,?\s*)?(?:저는|전|나는|난|저|제가|내가|제|i|i'm|my)(?:\s|$)/i.test(s) || /^저\S*\s/.test(s);
      const topic = topicOf(s);
      if (!first || !topic || topic === 'name') continue;
      const kind: Kind = topic === 'diet' || topic.startsWith('likes:') ? 'preference' : topic === 'allergy' ? 'fact' : 'profile';
      out.push({ topic, kind, text: thirdPerson(s) });
    }
  }
  return out;
}

const same = (a: string, b: string) => a.replace(/[^\p{L}\p{N}]/gu, '') === b.replace(/[^\p{L}\p{N}]/gu, '');

/** The JSON object the extraction prompt asks for. */
export function memoryReply(messages: readonly SimMessage[]): { memories: object[] } {
  const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  let input: { existing?: Existing[]; message?: string };
  try {
    input = JSON.parse(last) as typeof input;
  } catch {
    input = { existing: [], message: last };
  }
  const existing = Array.isArray(input.existing) ? input.existing : [];
  const memories: object[] = [];
  for (const c of candidates(String(input.message ?? ''))) {
    const match = existing.find((e) => typeof e.text === 'string' && topicOf(e.text) === c.topic);
    if (match && same(match.text, c.text)) continue;
    memories.push(match ? { action: 'update', id: match.id, kind: c.kind, text: c.text } : { action: 'add', kind: c.kind, text: c.text });
  }
  return { memories };
}
