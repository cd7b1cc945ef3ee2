/**
 * Open handles, as Node counts them: what keeps the process alive. A socket or timer the run
 * forgot would show up here after the run (and the sandbox) closed.
 */

const WATCHED = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'] as const;
export type HandleCounts = Record<(typeof WATCHED)[number], number>;

export function handleCounts(): HandleCounts {
  const counts: HandleCounts = { TCPSocketWrap: 0, TCPServerWrap: 0, Timeout: 0 };
  for (const resource of process.getActiveResourcesInfo()) {
    if ((WATCHED as readonly string[]).includes(resource)) counts[resource as keyof HandleCounts]++;
  }
  return counts;
}

/**
 * The counts once closing handles have gone: a destroyed socket leaves the list only when its
 * close callback has run, a turn or two of the event loop later. Gives up after `turns` turns
 * (no timer: it waits for nothing but the callbacks already due) and returns what is left.
 */
export async function handlesAfterClose(baseline: HandleCounts, turns = 20): Promise<HandleCounts> {
  let counts = handleCounts();
  for (let turn = 0; turn < turns && !within(counts, baseline); turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    counts = handleCounts();
  }
  return counts;
}

function within(counts: HandleCounts, baseline: HandleCounts): boolean {
  return WATCHED.every((name) => counts[name] <= baseline[name]);
}
