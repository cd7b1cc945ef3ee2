/**
 * The savings page in a real browser (Debian's Chromium, headless): it renders its charts with no
 * console message (no script error, nothing the page's policy had to block), a graph name that
 * holds markup stays text, and a screenshot shows a page, not a blank. Set KEEP_SCREENSHOT to a
 * path to keep the screenshot and look at it.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportHtml } from '../../scripts/report/html.js';
import { type BrowserRun, browserSkipReason, chromium, pngSize } from '../support/chromium.js';
import { NASTY, weekReport } from './html-support.js';

const skip = browserSkipReason();
if (skip) console.warn(skip);

describe.skipIf(skip !== undefined)('The savings page in Chromium', () => {
  let dir: string;
  let page: string;
  let dom: BrowserRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ges-offhours-html-'));
    page = join(dir, 'savings.html');
    writeFileSync(page, reportHtml(await weekReport()));
    dom = await chromium(page, ['--dump-dom']);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders both charts, the legend and the tables, and logs nothing to the console', () => {
    const { stdout, console } = dom;
    expect(console).toEqual([]);
    expect(stdout.match(/<svg /g)).toHaveLength(3);
    expect(stdout.match(/<rect class="bar"/g)).toHaveLength(2 * 7 * 4);
    expect(stdout).toContain('fraud-detection');
    expect(stdout).toContain('284.00 h');
  });

  it('keeps graph names that hold markup as text: no element comes from them', () => {
    const { stdout } = dom;
    expect(stdout).not.toMatch(/<(script|img)\b/i);
    // The DOM serializer writes text back escaped: each name is there, as text.
    for (const name of NASTY)
      expect(stdout).toContain(name.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'));
  }, 120_000);

  it('takes a screenshot with the page drawn on it', async () => {
    const shot = join(dir, 'savings.png');
    await chromium(page, [`--screenshot=${shot}`, '--window-size=1100,1500', '--hide-scrollbars']);
    const png = readFileSync(shot);
    expect(pngSize(png)).toEqual({ width: 1100, height: 1500 });
    // A blank page of this size compresses to about 8 KB; charts, text and colours do not (~140 KB).
    expect(png.length).toBeGreaterThan(40_000);
    if (process.env.KEEP_SCREENSHOT) copyFileSync(shot, process.env.KEEP_SCREENSHOT);
  }, 120_000);
});
