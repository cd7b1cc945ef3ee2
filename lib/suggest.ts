/** "Did you mean …?" for anything a user types by hand: config keys, schedule names, events, graph names. */

/**
 * The candidate the user probably meant, if one is close enough: a known alias, the same word
 * written with other case or separators (`dry_run`, `Stop`), or the nearest by edit distance
 * (under 2 edits for short words, under 3 from five letters on).
 */
export function closest(
  word: string,
  candidates: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const alias = Object.hasOwn(aliases, word) ? aliases[word] : undefined;
  if (alias !== undefined && candidates.includes(alias)) return alias;
  const exact = candidates.find((c) => norm(c) === norm(word));
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = word.length >= 5 ? 3 : 2;
  for (const c of candidates) {
    const d = editDistance(norm(word), norm(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Edit distance where an insertion, a deletion, a substitution or a swap of two neighbouring
 * letters (`stpo` for `stop`, the commonest typo) each count one.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (before[j - 2] ?? 0) + 1);
      }
      next[j] = d;
    }
    before = row;
    row = next;
  }
  return row[b.length] ?? 0;
}
