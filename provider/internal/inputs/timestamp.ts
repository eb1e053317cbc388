/** ISO 8601 date, or date-time with seconds optional and an explicit offset (`Z` or `±hh:mm`). */
const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** Milliseconds since the epoch of an ISO 8601 timestamp, or undefined when it is not one. */
export function parseTimestamp(value: string): number | undefined {
  const match = ISO_PATTERN.exec(value);
  if (!match) return undefined;
  const [, y, m, d] = match;
  // Date.parse rolls 2027-02-30 over to March; refuse dates that do not exist.
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (
    day.getUTCFullYear() !== Number(y) ||
    day.getUTCMonth() !== Number(m) - 1 ||
    day.getUTCDate() !== Number(d)
  ) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** ISO 8601 with milliseconds (`2027-01-01T00:00:00.000Z`), or null. */
export function normalizeTimestamp(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}
