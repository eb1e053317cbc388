import { parseDuration } from "./duration";
import type { Comparison, PropertyTable } from "./property-table";
import { parseTimestamp } from "./timestamp";
import { containsUnknown } from "./unknown";

type Props = Record<string, unknown>;

/** The inputs whose change needs a new object, and those changed in place. */
export interface PropertyChanges {
  replaces: string[];
  changes: string[];
}

/**
 * Compares the new inputs with the old outputs, property by property as the table says: a
 * `replace` property that differs is listed in `replaces`, an `update` one in `changes` (`custom`
 * ones are left to the resource). An unknown new value (preview) counts as a change. A property
 * PlanetScale defaults is skipped when the program leaves it out; one with a `default` compares
 * that default when left out (so removing it brings the default back).
 */
export function diffProperties(table: PropertyTable, olds: Props, news: Props): PropertyChanges {
  const replaces: string[] = [];
  const changes: string[] = [];
  for (const [key, spec] of Object.entries(table)) {
    const input = spec.input;
    if (input === undefined || input.change === "custom") continue;
    const next = news[key] === undefined ? input.default : news[key];
    if (next === undefined && input.serverDefaulted) continue;
    const previous = olds[input.echoKey ?? key] ?? input.default;
    if (same(input.compare ?? "value", next, previous)) continue;
    (input.change === "replace" ? replaces : changes).push(key);
  }
  return { replaces, changes };
}

/**
 * Whether two sets of inputs ask for the same thing, property by property as the table compares
 * them: a property PlanetScale defaults that one side leaves out matches whatever the other
 * recorded (a refresh records PlanetScale's value, which the program may leave to it), one with a
 * `default` matches that default, and anything the table does not list must be equal (as JSON:
 * a difference in key order only costs a check). Never for an unknown value.
 */
export function sameInputs(table: PropertyTable, recorded: Props, news: Props): boolean {
  for (const key of new Set([...Object.keys(recorded), ...Object.keys(news)])) {
    const input = table[key]?.input;
    if (input === undefined) {
      if (!same("json", news[key], recorded[key])) return false;
      continue;
    }
    const next = news[key] === undefined ? input.default : news[key];
    if (next === undefined && input.serverDefaulted) continue;
    const previous = recorded[key] === undefined ? input.default : recorded[key];
    if (next === undefined && previous === undefined) continue;
    if (!same(input.compare ?? "value", next, previous)) return false;
  }
  return true;
}

/** Whether the new value equals the recorded one; never for an unknown new value. */
export function same(comparison: Comparison, next: unknown, previous: unknown): boolean {
  if (containsUnknown(next)) return false;
  switch (comparison) {
    case "value":
      return sameValue(next, previous);
    case "json":
      return JSON.stringify(next) === JSON.stringify(previous);
    case "set":
      return sameSet(next, previous);
    case "duration":
      return sameDuration(next, previous);
    case "instant":
      return sameInstant(next, previous);
    case "cluster size":
      return sameClusterSize(next, previous) || sameValue(next, previous);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return (a ?? undefined) === (b ?? undefined);
}

function bothAbsent(next: unknown, previous: unknown): boolean | undefined {
  if (next === undefined || next === null) return previous === undefined || previous === null;
  return undefined;
}

function sameSet(next: unknown, previous: unknown): boolean {
  const absent = bothAbsent(next, previous);
  if (absent !== undefined) return absent;
  if (!Array.isArray(next) || !Array.isArray(previous)) return false;
  const a = [...new Set(next.map(String))].sort();
  const b = [...new Set(previous.map(String))].sort();
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Milliseconds of a duration input (seconds, or text like `"7d"`), or undefined. */
export function durationMs(value: unknown): number | undefined {
  return typeof value === "number" || typeof value === "string" ? parseDuration(value) : undefined;
}

function sameDuration(next: unknown, previous: unknown): boolean {
  const absent = bothAbsent(next, previous);
  if (absent !== undefined) return absent;
  const a = durationMs(next);
  return a !== undefined && a === durationMs(previous);
}

function sameInstant(next: unknown, previous: unknown): boolean {
  const absent = bothAbsent(next, previous);
  if (absent !== undefined) return absent;
  if (typeof next !== "string" || typeof previous !== "string") return false;
  return parseTimestamp(next) === parseTimestamp(previous);
}

/** PlanetScale spells sizes both ways (`PS_10`, and `PS-10` in pscale's defaults). */
export function sameClusterSize(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (typeof v === "string" ? v.replace(/-/g, "_") : v);
  return typeof a === "string" && typeof b === "string" && norm(a) === norm(b);
}

/**
 * Whether an expiring object (token or credential) must be replaced now: it expired, or it is
 * within the new `rotateBefore` of the expiry recorded in its outputs.
 */
export function dueForRotation(olds: Props, news: Props, now: number): boolean {
  const expiresAt = typeof olds["expiresAt"] === "string" ? Date.parse(olds["expiresAt"]) : Number.NaN;
  if (Number.isNaN(expiresAt)) return false;
  return expiresAt - now <= (durationMs(news["rotateBefore"]) ?? 0);
}
