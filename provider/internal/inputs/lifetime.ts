import * as z from "zod";
import { parseDuration } from "./duration";

/**
 * The longest lifetime a token or a credential may be given (`ttl`, `rotateBefore`, or `expiresAt`
 * from now): ten years. PlanetScale publishes no maximum (the OpenAPI spec types `ttl` as a bare
 * integer for service tokens, passwords and roles; the API docs, the changelog entry that
 * introduced token `ttl` and `pscale service-token create --ttl` state none), so this is our bound,
 * not PlanetScale's: it refuses values that are surely mistakes, such as `1e308` (which is
 * `Infinity` and would be sent as `"ttl": null`, an object that never expires) or a year-9999
 * `expiresAt`. For one that should not expire, leave the lifetime out.
 */
export const MAX_LIFETIME_MS = 3650 * 24 * 60 * 60 * 1000;
/** {@link MAX_LIFETIME_MS} as messages name it. */
export const MAX_LIFETIME_TEXT = `${MAX_LIFETIME_MS / 86_400_000}d (10 years)`;

/**
 * The rule of a lifetime input (`ttl`, `rotateBefore`) of a token or credential: seconds as a
 * number or text like `"12h"`, from 1 s to {@link MAX_LIFETIME_MS}. `what` is the property and
 * `noun` what lives that long ("token"), both for the messages.
 */
export function lifetime(what: string, noun: string) {
  return z
    .union([z.number(), z.string()], {
      error: `${what} must be seconds (a number) or text like '90s', '12h', '30d'`,
    })
    .refine(
      (v) => {
        const ms = parseDuration(v);
        return ms !== undefined && ms >= 1000;
      },
      {
        error: `${what} must be a duration of at least 1 s: seconds as a number, or text like '90s', '12h', '30d'`,
      },
    )
    .refine((v) => (parseDuration(v) ?? 0) <= MAX_LIFETIME_MS, {
      error: (issue) =>
        `${what} ${JSON.stringify(issue.input)} is longer than the ${MAX_LIFETIME_TEXT} a ${noun} may live: ` +
        `set at most '${MAX_LIFETIME_MS / 86_400_000}d'${what === "ttl" ? `, or leave ttl out for a ${noun} that never expires` : ""}`,
    });
}
