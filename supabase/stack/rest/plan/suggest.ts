/**
 * "Perhaps you meant …" hints. PostgREST picks the closest name with a fuzzy set (n-gram cosine
 * similarity); Levenshtein similarity gives the same answers for the typos that matter (a letter
 * missing, added or swapped) and is a few lines.
 */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function similarity(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x.length === 0 && y.length === 0) return 1;
  return 1 - levenshtein(x, y) / Math.max(x.length, y.length);
}

/** The candidate most like `name` with at least `minScore` similarity (PostgREST: 0.75 for tables and functions). */
export function closest(
  name: string,
  candidates: Iterable<string>,
  minScore: number,
): string | undefined {
  let best: string | undefined;
  let bestScore = minScore;
  for (const candidate of candidates) {
    const score = similarity(name, candidate);
    if (score >= bestScore && (best === undefined || score > bestScore)) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
