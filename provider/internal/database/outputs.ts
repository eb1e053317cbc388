import type { Database as ApiDatabase } from "../api/schemas";
import { outputsOf, readFields } from "../inputs/property-api";
import type { DatabaseInputs } from "./inputs";
import { DATABASE_PROPERTIES } from "./properties";

/** Inputs after `check`: the organization is always known, the name always set. */
export type ResolvedDatabaseInputs = DatabaseInputs & { organization: string; name: string };

/** What PlanetScale's database reports, in this package's names (the table's field rows). */
export function databaseInfo(database: ApiDatabase) {
  return readFields(DATABASE_PROPERTIES, database);
}

/**
 * The full output state of a Database, as {@link DATABASE_PROPERTIES} makes it: the inputs as
 * given, and what PlanetScale reports. The default branch's size and replicas are echoed (the
 * database object does not carry them).
 */
export function toOutputs(database: ApiDatabase, inputs: ResolvedDatabaseInputs): Record<string, unknown> {
  const outputs = outputsOf(DATABASE_PROPERTIES, inputs, databaseInfo(database), {});
  outputs["state"] = database.state ?? (database.ready ? "ready" : "pending");
  return outputs;
}
