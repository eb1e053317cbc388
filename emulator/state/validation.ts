/**
 * The emulator's one way of validating untrusted input with zod (seed files, state files, fault
 * settings, request bodies) and of explaining what is wrong with it.
 */

import { z } from "zod";
import { EmulatorConfigError } from "./config-error";

/** "an integer", "a string", "an array", "an object". */
function article(expected: string): string {
  const noun = expected === "int" ? "integer" : expected;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/**
 * Issue messages in plain words ("is required", "must be a boolean", "unknown field: x"); the
 * location is added by {@link z.prettifyError}. Other issues keep zod's own message.
 */
const readableIssue: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === "unrecognized_keys") {
    return `unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`;
  }
  if (issue.code === "invalid_type") {
    return issue.input === undefined ? "is required" : `must be ${article(issue.expected)}`;
  }
  return undefined;
};

/** {@link z.ZodType.safeParse} with the emulator's readable issue messages. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.ZodSafeParseResult<z.output<T>> {
  return schema.safeParse(value, { error: readableIssue });
}

/** What is wrong with a value, one `✖ problem` line per issue with its location under it. */
export function explain(error: z.ZodError): string {
  return z.prettifyError(error);
}

/**
 * Parses `value` with `schema`, or throws an `Error` whose message starts with `subject` and
 * explains every problem, e.g. `invalid seed:\n✖ is required\n  → at organizations.0.name`.
 */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, subject: string): z.output<T> {
  const result = validate(schema, value);
  if (!result.success) throw new EmulatorConfigError(`${subject}:\n${explain(result.error)}`);
  return result.data;
}
