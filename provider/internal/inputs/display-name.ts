import * as z from "zod";
import { textReason } from "./text";

/**
 * The longest name of a token, password or role, and of the prefix of a generated one. PlanetScale
 * documents no limit; this keeps names readable in its dashboard and refuses a runaway value (a
 * 100,000-character `namePrefix`) instead of cutting it silently.
 */
export const DISPLAY_NAME_MAX = 255;

/**
 * The rule for the names people read in PlanetScale's dashboard, in `pulumi preview` and in logs:
 * a token's, a password's or a role's `name`, and every resource's `namePrefix`. One to
 * {@link DISPLAY_NAME_MAX} characters, with a visible one, and no control, bidirectional control or
 * invisible character (see `textReason`).
 */
export function displayName(what: "name" | "namePrefix") {
  const empty =
    what === "name" ? "name must not be empty: omit it to generate one" : "namePrefix must not be empty";
  return (
    z
      .string({ error: `${what} must be a string` })
      // `abort`: one message per bad value; a 100,000-character prefix is not scanned further.
      .min(1, { error: empty, abort: true })
      .max(DISPLAY_NAME_MAX, {
        error: (issue) =>
          `${what} must be at most ${DISPLAY_NAME_MAX} characters; it has ${String(issue.input).length}`,
        abort: true,
      })
      .superRefine((value, ctx) => {
        const reason = textReason(what, value);
        if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
      })
  );
}
