/**
 * The closest known name to a mistyped one, for "did you mean" hints; undefined when nothing is
 * close. Compares case-insensitively, with '-' and ' ' read as '_', so `read-only` finds
 * `read_only` and `parentbrnch` finds `parentBranch`; returns the candidate as it is spelt.
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const normalized = normalize(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(normalized, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(2, Math.floor(normalized.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-\s]+/g, "_");
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
