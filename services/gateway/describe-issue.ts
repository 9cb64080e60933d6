import type { core } from 'zod';

const EXPECTED: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'an integer', bigint: 'an integer', boolean: 'a boolean',
  object: 'an object', array: 'an array', record: 'an object', null: 'null',
};

/** What a client sent, short enough to echo back: a value, or the kind of a compound one. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 32 ? `${v.slice(0, 32)}…` : v);
  return String(v);
}

/** The value at `path` inside `root`, and whether its parent holds that key at all. */
function lookup(root: unknown, path: PropertyKey[]): { present: boolean; value: unknown } {
  let cur: unknown = root;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return { present: false, value: undefined };
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return { present: true, value: cur };
}

/**
 * One zod issue as a sentence a client can act on: what was expected and what came instead. zod 4 does
 * not keep the offending input on an issue, so it is looked up in the parsed value itself: a missing
 * field "is required", a present one of the wrong kind or range is "expected a string, got 5".
 */
export function describeIssue(issue: core.$ZodIssue, root: unknown): string {
  if (issue.code === 'unrecognized_keys') return 'unknown field';
  const { present, value } = lookup(root, issue.path);
  if (issue.code === 'invalid_type' && (!present || value === undefined)) return 'is required';
  // a schema's own wording ("expected an integer from 1 to 200") beats zod's generic one
  const expected = issue.message.startsWith('expected ') ? issue.message
    : issue.code === 'invalid_type' ? `expected ${EXPECTED[issue.expected] ?? issue.expected}` : null;
  return expected === null ? issue.message : `${expected}, got ${kindOf(value)}`;
}
