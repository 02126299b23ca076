/**
 * Edit distance (insertions, deletions, substitutions, and swapping two
 * neighbouring letters, the commonest typo: `redsi`, `prot`) between two short strings.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(rows[i - 1]![j]! + 1, current[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j]!, rows[i - 2]![j - 2]! + 1);
    }
    rows.push(current);
  }
  return rows[a.length]![b.length]!;
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
