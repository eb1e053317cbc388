import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { isUnknown } from "../inputs/unknown";
import { type DatabaseKind, databaseKind, kindName } from "../preflight/database-kind";

/**
 * Branch inputs only one kind of database accepts, with the kind. Sources: the spec marks Data
 * Branching (`allow_data_branching`, which `seed_data` needs) "Vitess only"; safe migrations gate
 * schema changes behind deploy requests, a Vitess workflow PlanetScale's Postgres does not have;
 * the spec's `create_branch` marks `restore_point` and `major_version` PostgreSQL only, and the
 * cluster parameters (`list_parameters`: `patroni`, `pgconf`, `pgbouncer`) are Postgres ones.
 */
const ONE_KIND_ONLY: ReadonlyArray<{ key: string; kind: DatabaseKind; applies: (v: unknown) => boolean }> = [
  { key: "seedData", kind: "mysql", applies: (v) => v !== undefined },
  { key: "safeMigrations", kind: "mysql", applies: (v) => v === true },
  { key: "restorePoint", kind: "postgresql", applies: (v) => v !== undefined },
  { key: "majorVersion", kind: "postgresql", applies: (v) => v !== undefined },
  { key: "parameters", kind: "postgresql", applies: (v) => v !== undefined },
];

/**
 * The failures for inputs the database's kind does not accept, naming the property and the kind.
 * Asks PlanetScale for the kind (once per database per process) only when such an input is set,
 * and only after the inputs passed local validation.
 */
export async function kindFailures(
  ctx: ProviderContext,
  inputs: Record<string, unknown>,
): Promise<pulumi.dynamic.CheckFailure[]> {
  const relevant = ONE_KIND_ONLY.filter(
    (rule) => !isUnknown(inputs[rule.key]) && rule.applies(inputs[rule.key]),
  );
  const { organization, database } = inputs;
  if (relevant.length === 0 || typeof organization !== "string" || typeof database !== "string") return [];
  if (isUnknown(organization) || isUnknown(database)) return [];
  const kind = await databaseKind(ctx, organization, database);
  return relevant
    .filter((rule) => rule.kind !== kind)
    .map((rule) => ({
      property: rule.key,
      reason: `${rule.key} is only available on ${kindName(rule.kind)} databases, and '${database}' is a ${kindName(kind)} database: remove ${rule.key}`,
    }));
}
