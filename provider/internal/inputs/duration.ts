/**
 * Parses a duration given as seconds (a number) or as text like "90s", "20m", "1h30m", "2d".
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === "") return undefined;
  const [, d = "0", h = "0", m = "0", s = "0"] = match;
  return (((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

/** "75 s", "3 min 5 s", "1 h 2 min": for progress and error messages. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h${m ? ` ${m} min` : ""}`;
  if (m > 0) return `${m} min${s ? ` ${s} s` : ""}`;
  return `${s} s`;
}
