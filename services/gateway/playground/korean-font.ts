import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The weights the page uses: body text, and bold for names, headings and the intent chip. */
const WEIGHTS = [400, 700] as const;

export interface KoreanFont {
  /** @font-face rules pointing at /playground/fonts/…; each covers a slice of Unicode, so a page fetches only the slices its text uses. */
  css: string;
  /** The file behind a /playground/fonts/ name, or null for a name this module does not serve. */
  path(name: string): string | null;
}

/**
 * Noto Sans KR from @fontsource/noto-sans-kr, self-hosted: a stock Linux has no Hangul font and the
 * gateway may run offline, so the page brings its own. The package's CSS splits the font into ~120
 * woff2 slices of ~10 kB by unicode-range; only WOFF2 is kept (every browser that runs the page has it).
 */
export function koreanFont(): KoreanFont {
  const dir = dirname(require.resolve('@fontsource/noto-sans-kr/400.css'));
  const css = WEIGHTS.map((w) => readFileSync(join(dir, `${w}.css`), 'utf8')).join('\n')
    .replace(/src: url\(\.\/files\/([^)]+\.woff2)\) format\('woff2'\)(, url\([^)]+\) format\('woff'\))?;/g,
      (_m, file: string) => `src: url(/playground/fonts/${file}) format('woff2');`)
    .replace(/\/\* .*? \*\/\n/g, '');
  const served = new Set([...css.matchAll(/url\(\/playground\/fonts\/([^)]+)\)/g)].map((m) => m[1]));
  return { css, path: (name) => (served.has(name) ? join(dir, 'files', name) : null) };
}
