import * as pulumi from "@pulumi/pulumi";
import { BRANCH_PROPERTIES } from "../internal/branch/properties";
import { withDeletionProtection } from "../internal/dynamic/deletion-protection";
import { suspendPromiseStackTraces } from "../internal/dynamic/promise-stack-traces";
import { dynamicResource } from "../internal/dynamic/serialized-provider";
import { declaredOutputs } from "../internal/inputs/property-table";
import { uniqueRemoteName } from "../internal/ownership/collisions";

import branchProvider = require("../internal/providers/branch");

/**
 * Arguments of a {@link Branch}. Credentials never go here: they come from Pulumi config
 * (`planetscale:serviceTokenId` and the secret `planetscale:serviceToken`, or the secret
 * `planetscale:accessToken`), with `PLANETSCALE_*` environment variables as fallback.
 */
export interface BranchArgs {
  /**
   * Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. On change:
   * replace.
   */
  organization?: pulumi.Input<string>;
  /** Database name. On change: replace. */
  database: pulumi.Input<string>;
  /**
   * Branch name: lowercase letters, digits and hyphens (at most 63); the output is the current name.
   * Default: the resource name (or `namePrefix`) plus a random suffix. On change: rename in place (the
   * branch is addressed by its public id).
   */
  name?: pulumi.Input<string>;
  /**
   * Prefix of the generated name when `name` is omitted. Default: the resource name. On change: in
   * place (no API call).
   */
  namePrefix?: pulumi.Input<string>;
  /**
   * Branch to fork from; the output is the parent as PlanetScale reports it. Default: the database's
   * default branch. On change: replace.
   */
  parentBranch?: pulumi.Input<string>;
  /**
   * Region slug, e.g. `us-east`; the output is the region as PlanetScale reports it. Default: the
   * database's region. On change: replace.
   */
  region?: pulumi.Input<string>;
  /** Restore this backup into the new branch; not with `seedData`. On change: replace. */
  backupId?: pulumi.Input<string>;
  /**
   * `"last_successful_backup"` seeds the branch with data (Data Branching; Vitess only). On change:
   * replace.
   */
  seedData?: pulumi.Input<"last_successful_backup">;
  /**
   * Restore the new branch to this point in time (Postgres only): an ISO 8601 time in the past, e.g.
   * `2026-01-01T00:00:00Z`; not with `backupId`. On change: replace.
   */
  restorePoint?: pulumi.Input<string>;
  /**
   * Postgres major version of the new branch, e.g. `"17"` (Postgres only). Default: the parent
   * branch's. On change: replace.
   */
  majorVersion?: pulumi.Input<string>;
  /**
   * Postgres cluster parameters by namespace (`pgconf`, `pgbouncer`, `patroni`), e.g. `{ pgconf: {
   * max_connections: "200" } }` (Postgres only). A parameter removed from here keeps its value: set it
   * to its default to reset it. Default: PlanetScale's defaults. On change: in place (a change request,
   * once the branch is ready; waits until it completes, up to `readyTimeout`).
   */
  parameters?: pulumi.Input<Record<string, Record<string, string | number | boolean>>>;
  /**
   * Cluster size (PlanetScale's `cluster_name`), e.g. `PS_10`; needed with `backupId` on most plans.
   * Default: PlanetScale's default. On change: in place: PlanetScale resizes the same branch (`PATCH
   * …/cluster`), its data stays; waits for the new size, up to `readyTimeout`.
   */
  clusterSize?: pulumi.Input<string>;
  /**
   * Refuse deletion while true; a plain `true` also sets Pulumi's `protect`, so `pulumi destroy` (or a
   * replacement) fails at its preview, before anything of the stack is deleted. Default: `false`. On
   * change: in place.
   */
  deletionProtected?: pulumi.Input<boolean>;
  /**
   * Safe migrations (Vitess only). Default: `false`. On change: in place (applied once the branch is
   * ready).
   */
  safeMigrations?: pulumi.Input<boolean>;
  /**
   * At delete time, also delete child branches (otherwise a branch with children is refused). Default:
   * `false`. On change: in place (used at delete).
   */
  deleteDescendants?: pulumi.Input<boolean>;
  /**
   * Take over an existing branch of that name instead of failing (dynamic providers cannot `pulumi
   * import`); destroying the stack then deletes it. Default: `false`. On change: in place (used at
   * create).
   */
  adopt?: pulumi.Input<boolean>;
  /**
   * How long create and update wait for readiness: seconds, or `"90s"`, `"20m"`, `"2h"`. Default:
   * `"20m"`. On change: in place (no API call).
   */
  readyTimeout?: pulumi.Input<number | string>;
}

/**
 * A PlanetScale database branch.
 *
 * ```ts
 * const branch = new planetscale.Branch("preview", { database: "app", name: `pr-${pr}` });
 * export const url = branch.htmlUrl;
 * ```
 *
 * `pulumi up` creates it and waits until it is ready; renames and deletion protection are changed
 * in place (the branch is addressed by its public id); `pulumi refresh` notices out-of-band changes
 * and deletion; `pulumi destroy` deletes it.
 */
export class Branch extends pulumi.CustomResource {
  /** PlanetScale's public id of the branch; stable across renames. Also the resource id. */
  declare readonly branchId: pulumi.Output<string>;
  /** Organization slug. */
  declare readonly organization: pulumi.Output<string>;
  /** Database name. */
  declare readonly database: pulumi.Output<string>;
  /** Current branch name. */
  declare readonly name: pulumi.Output<string>;
  /** Parent branch name, as PlanetScale reports it. */
  declare readonly parentBranch: pulumi.Output<string | undefined>;
  /** Region slug, as PlanetScale reports it. */
  declare readonly region: pulumi.Output<string | undefined>;
  /** `pending`, `ready`, `sleeping`, … */
  declare readonly state: pulumi.Output<string>;
  /** Whether the branch accepts connections and schema changes. */
  declare readonly ready: pulumi.Output<boolean>;
  /** Whether this is a production branch. */
  declare readonly production: pulumi.Output<boolean>;
  /** The branch's page in the PlanetScale app. */
  declare readonly htmlUrl: pulumi.Output<string | undefined>;
  /** MySQL host to connect to, when PlanetScale reports one. */
  declare readonly mysqlAddress: pulumi.Output<string | undefined>;
  /** MySQL edge host, when PlanetScale reports one. */
  declare readonly mysqlEdgeAddress: pulumi.Output<string | undefined>;
  /** Cluster size (PlanetScale's `cluster_name`), e.g. `PS_DEV`. */
  declare readonly clusterSize: pulumi.Output<string | undefined>;
  /** Whether deletion protection is on. */
  declare readonly deletionProtected: pulumi.Output<boolean>;
  /** Whether safe migrations are on. */
  declare readonly safeMigrations: pulumi.Output<boolean>;
  /** Backup restored into the branch, as given. */
  declare readonly backupId: pulumi.Output<string | undefined>;
  /** Seed option, as given. */
  declare readonly seedData: pulumi.Output<string | undefined>;
  /** Point-in-time restore (Postgres), as given. */
  declare readonly restorePoint: pulumi.Output<string | undefined>;
  /** Postgres major version, as given. */
  declare readonly majorVersion: pulumi.Output<string | undefined>;
  /** Postgres cluster parameters by namespace, as last applied. */
  declare readonly parameters: pulumi.Output<
    Record<string, Record<string, string | number | boolean>> | undefined
  >;
  /** Whether delete also removes child branches, as given. */
  declare readonly deleteDescendants: pulumi.Output<boolean | undefined>;
  /** Creation time (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;
  /** Last update time (ISO 8601). */
  declare readonly updatedAt: pulumi.Output<string>;

  constructor(name: string, args: BranchArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      // A dynamic resource exposes only the outputs it was constructed with.
      ...declaredOutputs(BRANCH_PROPERTIES, args),
      ...args,
      name: uniqueRemoteName(
        `Branch "${name}"`,
        args.name,
        [args.organization, args.database],
        (branch, organization, [database]) => ({
          key: `branch ${organization}/${database}/${branch}`,
          what: `branch '${branch}' of ${organization}/${database}`,
        }),
      ),
      namePrefix: args.name === undefined ? (args.namePrefix ?? name) : args.namePrefix,
    };
    const resource = dynamicResource(branchProvider, props);
    const restoreStackTraces = suspendPromiseStackTraces();
    try {
      super(
        resource.type,
        name,
        resource.props,
        withDeletionProtection(args.deletionProtected, opts, `Branch "${name}"`),
      );
    } finally {
      restoreStackTraces();
    }
  }
}
