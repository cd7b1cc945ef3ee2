/**
 * Does a throttle follow our rate? Pure. A bucket at our limit stops throttling once we slow down
 * below it; throttles that others cause (a quota they spend, an `api` total they share, a gateway
 * refusing at random) keep coming at the same share however slowly we go. So a cut is a test:
 * when the share of throttles among requests sent since the cut is still about what it was
 * before it, the cut did not help, and it is undone; the share it did not change is taken as
 * background, and only a share clearly above it cuts again.
 *
 * (AWS SDK's adaptive mode cuts on every throttle and so falls to its floor under random ones;
 * BBR takes what gets through, not losses, as its estimate; gRPC and Envoy's adaptive concurrency
 * watch latency, not errors. This is BBR's stance with a check, not a guess, of what is noise.)
 */

export const NOISE = {
  /** Answers since the cut before it is judged; until then throttles wait for the verdict. */
  minAnswers: 20,
  /** Throttles in a row since the cut that say we are still over the limit, before `minAnswers`. */
  minStreak: 3,
  /**
   * The cut did not help when the share since is at least this part of the share before. A
   * bucket's share falls with the rate (1 - limit/rate: 0.5 at twice the limit, 0.29 after a cut
   * by 0.7); random throttles keep theirs.
   */
  sameShare: 0.8,
  /** Standard deviations below the share before the cut that say a cut helped. */
  deviations: 2,
  /** With a background share b, a share over b × excessFactor + excessMargin is ours again. */
  excessFactor: 1.5,
  excessMargin: 0.05,
} as const;

export interface ThrottleContext {
  /** Requests per second now (undefined before the first cut). */
  readonly learned: number | undefined;
  /** Answers to requests sent after the last cut, and how many of them were throttles. */
  readonly sinceCut: { readonly answers: number; readonly throttled: number };
  /** The recent share of throttles when the cut was made, and now. */
  readonly shareAtCut: number;
  readonly share: number;
  /** The background share, once a cut was found not to help. */
  readonly background: number | undefined;
}

/** `cut`: slow down; `hold`: change nothing; `undo`: the last cut did not help, restore the rate. */
export type Verdict = 'cut' | 'hold' | 'undo';

export function judgeThrottle(c: ThrottleContext): Verdict {
  if (c.background !== undefined)
    return c.share > c.background * NOISE.excessFactor + NOISE.excessMargin ? 'cut' : 'hold';
  if (c.learned === undefined) return 'cut';
  // Nothing got through since the cut, over a few answers (one throttle alone is no sign): still
  // over the limit. Three in a row at random take a share of 0.3 once in 37 cuts.
  if (c.sinceCut.answers >= NOISE.minStreak && c.sinceCut.throttled >= c.sinceCut.answers) return 'cut';
  if (c.sinceCut.answers < NOISE.minAnswers) return 'hold';
  const { answers, throttled } = c.sinceCut;
  if (throttled >= c.shareAtCut * NOISE.sameShare * answers) return 'undo';
  // The share fell only if clearly fewer throttles came than the share before would give: a few
  // less at a low share is chance (2 where 5.65 were expected, at 5 %, is one draw in 14).
  const expected = c.shareAtCut * answers;
  return throttled < expected - NOISE.deviations * Math.sqrt(expected) ? 'cut' : 'hold';
}
