/** config/schedule.sandbox.yaml and the demo fixture must describe the same projects and graphs. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../lib/schedule/config.js';
import { isOffHours } from '../../lib/schedule/offhours.js';
import { DEFAULT_FIXTURE, DEFAULT_HOST, DEFAULT_PORT } from '../../sandbox/cli-args.js';
import { loadFixture, type SandboxFixture } from '../../sandbox/fixture.js';

const CONFIG = fileURLToPath(new URL('../../config/schedule.sandbox.yaml', import.meta.url));
const NOW = new Date('2026-03-02T12:00:00Z');

async function both(): Promise<{ config: Config; fixture: SandboxFixture }> {
  const [{ config }, fixture] = await Promise.all([loadConfig(CONFIG, NOW), loadFixture(DEFAULT_FIXTURE)]);
  return { config, fixture };
}

describe('config/schedule.sandbox.yaml', () => {
  it("loads with the function's own loader, without warnings", async () => {
    const { warnings } = await loadConfig(CONFIG, NOW);
    expect(warnings).toEqual([]);
  });

  it('points every project at the port `npm run sandbox` listens on by default', async () => {
    const { config } = await both();
    for (const project of config.projects)
      expect(project.endpoint).toBe(`http://${DEFAULT_HOST}:${DEFAULT_PORT}`);
  });

  it('names only graphs the demo fixture serves, in the same project, with matching id and name', async () => {
    const { config, fixture } = await both();
    for (const project of config.projects) {
      const served = fixture.graphs.filter((g) => g.projectId === project.projectId);
      expect(served.length, `project ${project.projectId} is in the fixture`).toBeGreaterThan(0);
      for (const graph of project.graphs) {
        const match = served.find(
          (g) =>
            (graph.id === undefined || g.id === graph.id) &&
            (graph.name === undefined || g.name === graph.name),
        );
        expect(
          match,
          `${graph.path} (${graph.id ?? ''} ${graph.name ?? ''}) is in the fixture`,
        ).toBeDefined();
      }
    }
  });

  it('configures every project of the fixture, and an account that may use them all', async () => {
    const { config, fixture } = await both();
    const fixtureProjects = new Set(fixture.graphs.map((g) => g.projectId));
    expect(new Set(config.projects.map((p) => p.projectId))).toEqual(fixtureProjects);
    expect(fixture.accounts[0]?.projectIds).toBeUndefined();
    expect(config.projects.every((p) => p.credentialsSecret === undefined)).toBe(true);
  });

  // Every hour of a winter and a summer week (DST on both sides): a dry run always has a graph to stop.
  const hours = (start: string) =>
    Array.from({ length: 7 * 24 }, (_, h) => new Date(Date.parse(start) + h * 3_600_000));
  it.each([
    { week: 'of 2026-01-05 (winter)', at: hours('2026-01-05T00:00:00Z') },
    { week: 'of 2026-07-06 (summer)', at: hours('2026-07-06T00:00:00Z') },
  ])('has a running graph in off-hours at every hour of the week $week', async ({ at }) => {
    const { config, fixture } = await both();
    const running = config.projects.flatMap((p) =>
      p.graphs.filter((g) =>
        fixture.graphs.some(
          (f) => f.projectId === p.projectId && f.status === '200' && (f.id === g.id || f.name === g.name),
        ),
      ),
    );
    const offAt = (t: Date) => running.filter((g) => isOffHours(config.schedules[g.schedule]!, t)).length;
    expect(at.filter((t) => offAt(t) === 0).map((t) => t.toISOString())).toEqual([]);
    // ...and most of the time a plan shows both off-hours and on-hours graphs.
    expect(at.filter((t) => offAt(t) < running.length).length).toBeGreaterThan(at.length / 2);
  });
});
