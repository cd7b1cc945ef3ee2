import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planAll } from '../../lib/run/run.js';
import { parseConfig } from '../../lib/schedule/config.js';

const FILE = 'config/schedule.example.yaml';

describe('config/schedule.example.yaml', () => {
  const { config, warnings } = parseConfig(
    readFileSync(FILE, 'utf8'),
    FILE,
    new Date('2026-11-22T00:00:00Z'),
  );

  it('validates without warnings', () => {
    expect(warnings).toEqual([]);
  });

  // The demo runs it today: a skipUntil that has passed logs a warning and changes the sample
  // output. The only test here that reads the real clock, because going stale is what it checks.
  it('keeps every skipUntil at least ten years ahead of today', () => {
    const tenYears = Date.now() + 10 * 365 * 86_400_000;
    const skips = config.projects.flatMap((p) => p.graphs.flatMap((g) => (g.skipUntil ? [g.skipUntil] : [])));
    expect(skips.length).toBeGreaterThan(0);
    for (const until of skips) expect(until.getTime()).toBeGreaterThan(tenYears);
  });

  // `npm start` runs it at whatever time it is: some graph must be in off-hours at every instant.
  // Every quarter hour of the weeks that could break that: winter, summer, and each DST change
  // of the zones the example uses (New York and Berlin change on different dates).
  it.each([
    { week: 'winter', from: '2026-01-05' },
    { week: 'New York springs forward', from: '2026-03-05' },
    { week: 'Berlin springs forward', from: '2026-03-26' },
    { week: 'summer', from: '2026-07-06' },
    { week: 'Berlin falls back', from: '2026-10-22' },
    { week: 'New York falls back', from: '2026-10-29' },
  ])('has some graph in off-hours at every quarter hour of the $week week', ({ from }) => {
    const start = Date.parse(`${from}T00:00:00Z`);
    const uncovered: string[] = [];
    for (let t = start; t < start + 7 * 86_400_000; t += 15 * 60_000) {
      const at = new Date(t);
      if (!planAll(config, at).some((r) => r.offHours)) uncovered.push(at.toISOString());
    }
    expect(uncovered).toEqual([]);
  });

  it('shows every optional key commented out, and they are valid once uncommented', () => {
    const keys = 'startGraphs|scheduleTag|hourlyPrice|maxRequestsPerSecond|pricing|currency|hourly|"\\d+"';
    const commented = new RegExp(`^(\\s*)# (\\s*(?:${keys}):.*)$`, 'gm');
    const text = readFileSync(FILE, 'utf8');
    const uncommented = text.replace(commented, '$1$2');
    expect(uncommented.match(commented)).toBeNull();
    const { config: all, warnings: more } = parseConfig(uncommented, FILE, new Date('2026-11-22T00:00:00Z'));
    expect(more).toEqual([]);
    expect(all.schedules['office-hours']?.startGraphs).toBe(true);
    expect(all.projects[0]?.scheduleTag).toBe('offhours');
    expect(all.projects[0]?.graphs.find((g) => g.name === 'fraud-detection')).toMatchObject({
      startGraphs: false,
      hourlyPrice: 12.5,
    });
    expect(all.settings.maxRequestsPerSecond).toBe(10);
    expect(all.pricing).toEqual({
      currency: 'USD',
      hourly: new Map([
        ['1', 1.25],
        ['4', 12],
      ]),
    });
  });
});
