/**
 * The README and docs/ link to each other by relative paths and heading anchors; a page renamed or
 * a heading reworded must not leave a link pointing nowhere.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, relativeLinks, slug } from './markdown.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** What is wrong with one link of `page`, or undefined when it resolves. */
function problemOf(page: string, target: string, read: (path: string) => string | undefined) {
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), path);
  const text = read(file);
  if (text === undefined) return `${relative(ROOT, file)} does not exist`;
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  return anchors(text).has(anchor) ? undefined : `${relative(ROOT, file)} has no heading #${anchor}`;
}

const readRepoFile = (file: string): string | undefined => {
  if (!existsSync(file)) return undefined;
  return statSync(file).isDirectory() ? '' : readFileSync(file, 'utf8');
};

describe('docs links', () => {
  const cases = PAGES.flatMap((page) =>
    relativeLinks(readFileSync(join(ROOT, page), 'utf8')).map((link) => ({ page, ...link })),
  );

  it('finds links to check in every page', () => {
    expect(cases.length).toBeGreaterThan(PAGES.length);
  });

  it.each(cases)('$page:$line → $target resolves', ({ page, target }) => {
    expect(problemOf(page, target, readRepoFile)).toBeUndefined();
  });
});

describe('the link checker', () => {
  const pages: Record<string, string> = {
    [join(ROOT, 'docs/a.md')]: '# Page A\n\n## `npm run invoke`: from a laptop\n\n## Deploy\n\n## Deploy\n',
    [join(ROOT, 'README.md')]: '# Title\n\n```md\n## Not a heading\n```\n',
  };
  const read = (file: string) => pages[file];

  it.each([
    { page: 'README.md', target: 'docs/a.md', expected: undefined },
    { page: 'README.md', target: 'docs/a.md#npm-run-invoke-from-a-laptop', expected: undefined },
    { page: 'README.md', target: 'docs/a.md#deploy-1', expected: undefined },
    { page: 'docs/a.md', target: '#page-a', expected: undefined },
    { page: 'docs/a.md', target: '../README.md#title', expected: undefined },
    { page: 'README.md', target: 'docs/b.md', expected: 'docs/b.md does not exist' },
    { page: 'README.md', target: 'docs/a.md#deploy-2', expected: 'docs/a.md has no heading #deploy-2' },
    {
      page: 'docs/a.md',
      target: '../README.md#not-a-heading',
      expected: 'README.md has no heading #not-a-heading',
    },
  ])('$page → $target: $expected', ({ page, target, expected }) => {
    expect(problemOf(page, target, read)).toBe(expected);
  });

  it.each([
    {
      heading: 'Rehearse: what will tomorrow morning do?',
      expected: 'rehearse-what-will-tomorrow-morning-do',
    },
    { heading: "History: one graph's week", expected: 'history-one-graphs-week' },
    { heading: '6. What is deployed, and why', expected: '6-what-is-deployed-and-why' },
    { heading: '`schedules.<name>`', expected: 'schedulesname' },
    { heading: 'Pause and resume, without a deploy', expected: 'pause-and-resume-without-a-deploy' },
  ])('slug($heading) is $expected', ({ heading, expected }) => {
    expect(slug(heading)).toBe(expected);
  });

  it('skips links in code and external links', () => {
    const text = 'See [a](a.md), `[b](b.md)`, [c](https://example.com).\n```\n[d](d.md)\n```\n';
    expect(relativeLinks(text)).toEqual([{ line: 1, target: 'a.md' }]);
  });
});
