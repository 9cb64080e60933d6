import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RAND_LEN = 20;

/** 20 base62 characters: ~119 bits, unguessable. */
function randomToken(): string {
  const bytes = randomBytes(RAND_LEN);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

/*
 * A session's turns and messages carry the session's random part, so any id leads to its session (and
 * so to its partition and keys) without a lookup: `ses_R`, `trn_R_<seq>`, `msg_R_<n>`. BullMQ job ids
 * derived from them contain no ':' and are never all digits.
 */
export const newSessionId = (): string => `ses_${randomToken()}`;
export const turnIdOf = (sessionId: string, seq: number): string => `trn_${sessionId.slice(4)}_${seq}`;
export const messageIdOf = (sessionId: string, n: number): string => `msg_${sessionId.slice(4)}_${n}`;

/**
 * The id of one call to a script that writes (a submit, a cancel, a response begin), kept by the script
 * so a re-run of that call after a lost reply is recognised and answered as the first run was.
 */
export const newRequestId = (): string => randomBytes(9).toString('base64url');

const SESSION_RE = /^ses_[0-9A-Za-z]{20}$/;
const TURN_RE = /^trn_([0-9A-Za-z]{20})_([1-9][0-9]{0,8})$/;
const MESSAGE_RE = /^msg_([0-9A-Za-z]{20})_([1-9][0-9]{0,9})$/;

export const isSessionId = (id: string): boolean => SESSION_RE.test(id);

export function parseTurnId(turnId: string): { sessionId: string; seq: number } | null {
  const m = TURN_RE.exec(turnId);
  return m ? { sessionId: `ses_${m[1]}`, seq: Number(m[2]) } : null;
}

/** The 1-based position of a message in its session's history, or null when the id is not of that session. */
export function parseMessageId(sessionId: string, messageId: string): number | null {
  const m = MESSAGE_RE.exec(messageId);
  return m && `ses_${m[1]}` === sessionId ? Number(m[2]) : null;
}

/** FNV-1a, 32 bit: stable across processes and languages, so every replica picks the same partition. */
export function partitionOf(sessionId: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    h ^= sessionId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}
