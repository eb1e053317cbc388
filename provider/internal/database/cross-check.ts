import type * as pulumi from "@pulumi/pulumi";
import { same } from "../inputs/property-diff";
import { type DatabaseInputs, VITESS_ONLY } from "./inputs";

type Props = Record<string, unknown>;

/**
 * The rules between a Database's inputs, which its kind decides: the Vitess-only settings on a
 * Postgres database, `majorVersion` on a MySQL one, and a change of `replicas` on an existing MySQL
 * database (PlanetScale changes replicas in place on Postgres only). Inputs not known yet
 * (`unknown`, at preview) are checked once they are. `olds` are the recorded outputs (empty for a
 * new database).
 */
export function crossCheck(
  inputs: DatabaseInputs,
  unknown: ReadonlySet<string>,
  olds: Props,
): pulumi.dynamic.CheckFailure[] {
  if (unknown.has("kind")) return [];
  const kind = inputs.kind ?? (olds["kind"] === "postgresql" ? "postgresql" : "mysql");
  const failures: pulumi.dynamic.CheckFailure[] = [];
  if (kind === "postgresql") {
    for (const key of VITESS_ONLY) {
      if (inputs[key] !== undefined) {
        failures.push({
          property: key,
          reason: `${key} is only available on MySQL (Vitess) databases, and this database's kind is 'postgresql': remove ${key}`,
        });
      }
    }
  }
  if (kind === "mysql" && inputs.majorVersion !== undefined) {
    failures.push({
      property: "majorVersion",
      reason:
        'majorVersion is only available on Postgres databases: set kind: "postgresql", or remove majorVersion',
    });
  }
  const existing = typeof olds["databaseId"] === "string";
  if (
    existing &&
    kind === "mysql" &&
    !unknown.has("replicas") &&
    inputs.replicas !== undefined &&
    !same("value", inputs.replicas, olds["replicas"])
  ) {
    failures.push({
      property: "replicas",
      reason: `replicas of a MySQL (Vitess) database are set when it is created and cannot change in place (PlanetScale changes replicas in place on Postgres only): put back ${olds["replicas"] === undefined ? "no replicas input" : `replicas: ${String(olds["replicas"])}`}`,
    });
  }
  return failures;
}
