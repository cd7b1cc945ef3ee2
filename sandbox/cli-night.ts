/** What the bad-night flags (--fail-starts) do to a fixture before it is served. */
import { UsageError } from './cli-args.js';
import type { SandboxGraph } from './types.js';

/** The fixture's graphs with `startJob: 'failed'` on those named; an id no graph has is a usage error. */
export function withFailingStarts(graphs: readonly SandboxGraph[], ids: readonly string[]): SandboxGraph[] {
  const unknown = ids.filter((id) => !graphs.some((g) => g.id === id));
  if (unknown.length > 0)
    throw new UsageError(`--fail-starts: no graph ${unknown.join(', ')} in the fixture`);
  return graphs.map((g) => (ids.includes(g.id) ? { ...g, startJob: 'failed' } : g));
}
