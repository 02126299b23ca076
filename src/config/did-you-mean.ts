/** Edit distance (insertions, deletions, substitutions) between two short strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The closest candidate, or undefined when none is close enough to be a
 * plausible typo; case and `-`/`_` mix-ups count as exact.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/-/g, '_');
  const wanted = fold(input.trim());
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, fold(candidate));
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const allowed = Math.max(1, Math.floor(wanted.length / 3));
  return best && best.distance <= allowed ? best.candidate : undefined;
}
