import type * as z from "zod";
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
  const known = Object.fromEntries(Object.entries(inputs).filter(([key]) => !unknown.has(key)));
  for (const key of inputKeys(table)) {
    if (table[key]?.input?.required && unknown.has(key)) known[key] = "placeholder";
  }
  return { unknown, parsed: schema.safeParse(known) };
}
