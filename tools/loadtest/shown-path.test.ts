import { shownPath } from './shown-path';

describe('shownPath', () => {
  it('prints a path under the working directory relative to it', () => {
    expect(shownPath('/work/wt-16/reports/screenshots-loadtest', '/work/wt-16')).toBe('reports/screenshots-loadtest');
    expect(shownPath('/work/wt-16', '/work/wt-16')).toBe('.');
  });

  it('prints only the last name of a path outside the working directory', () => {
    expect(shownPath('/tmp/turnq-loadtest-x/closed', '/work/wt-16')).toBe('closed');
    expect(shownPath('/work/..reports', '/work/wt-16')).toBe('..reports');
  });
});
