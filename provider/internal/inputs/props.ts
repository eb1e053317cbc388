import type * as z from "zod";
import { InvalidInputError } from "../resource-errors";

type Props = Record<string, unknown>;

/**
 * The hidden input in which each resource names its stack (`pulumi.getStack()`, set by the resource
 * classes): a provider host learns no stack from its environment, and the ownership checks must
 * tell this stack's pending creates from every other stack's. Keys starting with `__` are internal
 * to Pulumi's display (`IsInternalPropertyKey`), so it never shows in a preview or a diff.
 */
export const STACK_INPUT = "__stack";

/** Strips the hidden inputs (Pulumi's `__provider`, our {@link STACK_INPUT}) before validation and comparison. */
export function userInputs(props: Props): Props {
  const { __provider: _, [STACK_INPUT]: __, ...rest } = props;
  return rest;
}

/** The hidden inputs of `news`, which `check` passes on with the validated inputs. */
export function hiddenInputs(news: Props): Props {
  return {
    __provider: news["__provider"],
    ...(typeof news[STACK_INPUT] === "string" ? { [STACK_INPUT]: news[STACK_INPUT] } : {}),
  };
}

/** The stack a resource's inputs name (see {@link STACK_INPUT}), if any. */
export function stackOf(props: Props): string | undefined {
  return stringOr(props[STACK_INPUT]);
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
