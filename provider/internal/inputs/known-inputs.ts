import type * as pulumi from "@pulumi/pulumi";
import type * as z from "zod";
import { checkFailures, failedProperties } from "./check-failures";
import { inputKeys, type PropertyTable } from "./property-table";
import { containsUnknown } from "./unknown";

/** The outcome of {@link parseKnown}. */
export interface KnownInputs<T> {
  /** The inputs not known yet (preview): rules needing them are skipped. */
  unknown: Set<string>;
  /** The schema's verdict on the known inputs. */
  parsed: z.ZodSafeParseResult<T>;
}

/**
 * Validates the inputs known now. Unknown values (preview) are validated once they are known; a
 * required input that is unknown stands in as a placeholder, so that it is not reported missing.
 */
export function parseKnown<T>(
  schema: z.ZodType<T>,
  table: PropertyTable,
  inputs: Record<string, unknown>,
): KnownInputs<T> {
  const unknown = new Set(Object.keys(inputs).filter((key) => containsUnknown(inputs[key])));
  return { unknown, parsed: parseWithout(schema, table, inputs, unknown) };
}

/** The outcome of {@link validateKnown}. */
export interface ValidatedInputs<T> {
  /**
   * The inputs not known yet (preview), and those that failed: rules across properties skip both,
   * so that one mistake is not reported again in other words.
   */
  unknown: Set<string>;
  /** The rest, parsed, for those rules; undefined when even they fail (see `failures`). */
  data: T | undefined;
  /** Every problem the schema finds, each once, under the input it belongs to. */
  failures: pulumi.dynamic.CheckFailure[];
}

/**
 * {@link parseKnown}, reporting every problem at once rather than stopping at the first: the
 * inputs that fail are set aside and the rest parsed again, which also runs the schema's rules
 * across properties on the valid ones. The rest, parsed, is what the resource's own rules check.
 */
export function validateKnown<T>(
  schema: z.ZodType<T>,
  table: PropertyTable,
  inputs: Record<string, unknown>,
): ValidatedInputs<T> {
  const { unknown, parsed } = parseKnown(schema, table, inputs);
  const failures: pulumi.dynamic.CheckFailure[] = [];
  let result = parsed;
  // Each round sets aside at least one more input, so this ends.
  while (!result.success) {
    const found = checkFailures(result.error, inputKeys(table));
    for (const failure of found) {
      if (!failures.some((f) => f.property === failure.property && f.reason === failure.reason)) {
        failures.push(failure);
      }
    }
    const failed = failedProperties(found).filter((p) => !unknown.has(p));
    if (failed.length === 0) return { unknown, data: undefined, failures };
    for (const property of failed) unknown.add(property);
    result = parseWithout(schema, table, inputs, unknown);
  }
  return { unknown, data: result.data, failures };
}

/** Parses the inputs but those in `skip`; a required one skipped stands in as a placeholder. */
function parseWithout<T>(
  schema: z.ZodType<T>,
  table: PropertyTable,
  inputs: Record<string, unknown>,
  skip: ReadonlySet<string>,
): z.ZodSafeParseResult<T> {
  const kept = Object.fromEntries(Object.entries(inputs).filter(([key]) => !skip.has(key)));
  for (const key of inputKeys(table)) {
    if (table[key]?.input?.required && skip.has(key)) kept[key] = "placeholder";
  }
  return schema.safeParse(kept);
}
