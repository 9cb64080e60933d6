import { normalized } from '#libs/memory';

/**
 * An embedding as the API sends it — base64 of little-endian float32 (what turnq asks for) or a JSON
 * array (servers that ignore encoding_format) — as a unit-length Float32Array.
 */
export function embeddingVector(embedding: string | number[]): Float32Array {
  if (Array.isArray(embedding)) return normalized(embedding);
  const bytes = Buffer.from(embedding, 'base64');
  const raw = new Float32Array(bytes.byteLength >>> 2);
  new Uint8Array(raw.buffer).set(bytes.subarray(0, raw.length * 4));
  return normalized(raw);
}
