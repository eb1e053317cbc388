import * as z from "zod";

/**
 * PlanetScale's rule for the names of branches, passwords and roles: lowercase letters, digits
 * and hyphens. We also refuse leading/trailing hyphens.
 */
export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** The longest such name. */
export const NAME_MAX = 63;
/** Organization and database slugs: lowercase letters, digits, hyphens and underscores. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** A required organization or database slug, with messages that name `what` and an example. */
export function slug(what: string, example: string) {
  return z
    .string({
      error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be a string`),
    })
    .regex(
      SLUG_PATTERN,
      `${what} must be a lowercase slug (letters, digits, '-' or '_'), for example '${example}'`,
    );
}

/**
 * Makes a name that matches {@link NAME_PATTERN} out of anything (used for auto-naming and for
 * suggestions); `fallback` when nothing usable is left.
 */
export function suggestName(raw: string, fallback = "branch"): string {
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  return cleaned || fallback;
}
