import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * A clone holds everything its documents point to: no README, doc or comment may send a reader to
 * ../shared (the spec beside the development checkout, which a clone does not have). The conformance
 * runner alone may look there, because it runs that external suite when it happens to be present.
 */
const ROOT = join(__dirname, '..');
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'reports', 'coverage', '.turnq-data']);
const ALLOWED = new Set(['test/conformance.test.ts', 'test/self-contained-docs.test.ts']);
const TEXT = /\.(ts|mjs|js|json|md|ya?ml|sh|txt|html|css|example)$|^(Dockerfile|run|\.env\.example|\.gitignore|\.dockerignore)$/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : files(join(dir, e.name));
    return TEXT.test(e.name) ? [join(dir, e.name)] : [];
  });
}

describe('the repository explains itself', () => {
  it('no document or comment refers to ../shared, the conformance runner aside', () => {
    const all = files(ROOT).map((f) => relative(ROOT, f));
    expect(all).toEqual(expect.arrayContaining(['README.md', 'docs/api.md', 'docs/architecture.md', 'libs/session/session-keys.ts']));
    const offenders = all.filter((f) => !ALLOWED.has(f))
      .flatMap((f) => readFileSync(join(ROOT, f), 'utf8').split('\n').map((line, i) => [f, i + 1, line] as const))
      .filter(([, , line]) => /(\.\.\/|\/work\/)shared\b/.test(line))
      .map(([f, n, line]) => `${f}:${n}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });

  it('the README and docs link only to files that exist in the repository', () => {
    const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const broken: string[] = [];
    for (const doc of docs) {
      const base = join(ROOT, doc, '..');
      for (const [, target] of readFileSync(join(ROOT, doc), 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(base, target))) broken.push(`${doc} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
