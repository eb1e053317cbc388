import type * as z from "zod";
import { InvalidInputError } from "../resource-errors";

type Props = Record<string, unknown>;

/** Strips what Pulumi adds (`__provider`) before validation. */
export function userInputs(props: Props): Props {
  const { __provider: _, ...rest } = props;
  return rest;
}

/**
 * Parses a resource's inputs after `check`, which always fills `organization` and `name`. Throws
 * if check was bypassed with bad values (the engine never does).
 */
export function resolvedInputs<T extends { organization?: string | undefined; name?: string | undefined }>(
  schema: z.ZodType<T>,
  props: Props,
  resource: string,
): T & { organization: string; name: string } {
  const parsed = schema.parse(userInputs(props));
  if (parsed.organization === undefined || parsed.name === undefined) {
    throw new InvalidInputError(
      `internal error: ${resource} inputs reached the provider without organization or name`,
    );
  }
  return parsed as T & { organization: string; name: string };
}

/** A recorded value that is a non-empty string, or undefined. */
export function stringOr(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
