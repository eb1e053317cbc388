import type { PropertySpec } from "./property-table";

/** The organization, as every resource takes it (see `./property-table`). */
export const ORGANIZATION = {
  input: { change: "replace", sent: "path" },
  output: "echo",
  doc: "Organization slug.",
  defaultDoc: "`planetscale:organization` config, or `PLANETSCALE_ORG`",
} as const satisfies PropertySpec;

/** The prefix of a generated name, as every resource takes it. */
export const NAME_PREFIX = {
  input: { change: "update", sent: "no API call", applied: "no API call" },
  output: "state",
  doc: "Prefix of the generated name when `name` is omitted.",
  defaultDoc: "the resource name",
} as const satisfies PropertySpec;

/** The creation time, as every resource reports it. */
export const CREATED_AT = {
  output: "reported",
  from: "created_at",
  doc: "Creation time (ISO 8601).",
} as const satisfies PropertySpec;
