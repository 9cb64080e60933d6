import { basename, isAbsolute, relative } from 'node:path';

/**
 * A path as a report prints it: relative to the directory the command ran in, or only its last name
 * when it lies outside. A report is shared and committed (docs/screenshots), so it must not carry the
 * machine's directories (`/home/<user>/…`, a worktree's path).
 */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? basename(path) : rel;
}
