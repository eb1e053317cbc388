import * as z from "zod";

const NAME_RULE =
  "parameter names are lowercase letters, digits and underscores, for example 'max_connections'";

/** The namespaces of Postgres cluster parameters (the spec's `list_parameters` `namespace`). */
const NAMESPACES = ["patroni", "pgconf", "pgbouncer"] as const;

/**
 * The `parameters` input: Postgres cluster parameters by namespace, each value text, a number or
 * a boolean (sent as text, as pscale's `map[string]map[string]string`). Whether a parameter exists
 * and takes the value is PlanetScale's to say (`list_parameters`); the shape is checked at preview.
 */
export function parametersInput() {
  const value = z.union([z.string(), z.number(), z.boolean()], {
    error: "each parameter's value must be text, a number or true/false, for example '200'",
  });
  const names = z.record(
    z.string().regex(/^[a-z_][a-z0-9_.]*$/, NAME_RULE),
    value,
    // zod reports a bad name as an "invalid key" of the record, without the key rule's message.
    {
      error: (issue) =>
        issue.code === "invalid_type"
          ? "each namespace of parameters must map names to values, for example { max_connections: '200' }"
          : issue.code === "invalid_key"
            ? NAME_RULE
            : undefined,
    },
  );
  // Partial: a program names only the namespaces it sets (a record of an enum wants every key).
  return z.partialRecord(
    z.enum(NAMESPACES, { error: `parameters namespaces are ${NAMESPACES.join(", ")}, for example pgconf` }),
    names,
    {
      // A namespace that is not one of these is an "unrecognized key" of the record (zod's code).
      error: (issue) =>
        ["invalid_type", "invalid_key", "unrecognized_keys"].includes(String(issue.code))
          ? `parameters must map namespaces (${NAMESPACES.join(", ")}) to parameters, for example { pgconf: { max_connections: '200' } }`
          : undefined,
    },
  );
}

/** The parameters as PlanetScale takes them: every value as text. */
export function parametersBody(
  parameters: Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>,
): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(parameters).map(([namespace, entries]) => [
      namespace,
      Object.fromEntries(Object.entries(entries).map(([name, value]) => [name, String(value)])),
    ]),
  );
}
