/**
 * The series selectors of a PromQL expression: metric names and their label matchers. Enough of PromQL
 * to check that dashboards and rules only name metrics and labels that something exports; not a parser
 * for arbitrary PromQL (no `{__name__=...}` selectors, which turnq's files do not use).
 */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

const keywords = new Set([
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'atan2',
  'inf', 'nan', 'Inf', 'NaN',
]);

export function promqlSelectors(expr: string): Selector[] {
  // Blank out string contents (keeping positions) so that braces, words and brackets inside label
  // values are not read as syntax; the values are taken from the original text by position.
  const masked = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (s) => s[0] + ' '.repeat(s.length - 2) + s[0]);
  const selectors: Selector[] = [];
  const bare = masked
    .replace(/\{[^}]*\}/g, (s) => ' '.repeat(s.length))
    .replace(/\[[^\]]*\]/g, (s) => ' '.repeat(s.length))
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, (s) => ' '.repeat(s.length));
  for (const m of bare.matchAll(/(?<![\w.:$])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = m[0];
    const end = (m.index ?? 0) + name.length;
    if (keywords.has(name) || /^\s*\(/.test(bare.slice(end))) continue;
    const braces = /^\s*\{([^}]*)\}/.exec(masked.slice(end));
    let matchers: Matcher[] = [];
    if (braces) {
      const start = end + masked.slice(end).indexOf('{') + 1;
      matchers = parseMatchers(expr.slice(start, start + braces[1].length));
    }
    selectors.push({ metric: name, matchers });
  }
  return selectors;
}

function parseMatchers(text: string): Matcher[] {
  const out: Matcher[] = [];
  for (const m of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/g)) {
    const raw = m[3];
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    out.push({ label: m[1], op: m[2] as Matcher['op'], value });
  }
  return out;
}

/**
 * The literal values a matcher can match: `a|b|c` for a regex of plain alternatives, the value for an
 * equality; null when the regex is more than literals and cannot be checked value by value.
 */
export function literalValues(matcher: Matcher): string[] | null {
  if (matcher.op === '=' || matcher.op === '!=') return [matcher.value];
  const alternatives = matcher.value.split('|');
  return alternatives.every((a) => /^[\w+:/.-]*$/.test(a) && !/[.][*+?]/.test(a)) ? alternatives : null;
}
