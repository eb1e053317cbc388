import * as pulumi from "@pulumi/pulumi";
import { DATABASE_PROPERTIES } from "../internal/database/properties";
import { withDeletionProtection } from "../internal/dynamic/deletion-protection";
import { suspendPromiseStackTraces } from "../internal/dynamic/promise-stack-traces";
import { dynamicResource } from "../internal/dynamic/serialized-provider";
import { declaredOutputs } from "../internal/inputs/property-table";
import { uniqueRemoteName } from "../internal/ownership/collisions";

import databaseProvider = require("../internal/providers/database");

/**
 * Arguments of a {@link Database}. Credentials never go here: they come from Pulumi config
 * (`planetscale:serviceTokenId` and the secret `planetscale:serviceToken`, or the secret
 * `planetscale:accessToken`), with `PLANETSCALE_*` environment variables as fallback.
 */
export interface DatabaseArgs {
  /**
   * Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. On change:
   * replace.
   */
  organization?: pulumi.Input<string>;
  /**
   * Database name: lowercase letters, digits, hyphens and underscores (at most 63); the output is the
   * current name. Default: the resource name (or `namePrefix`) plus a random suffix. On change: rename
   * in place (`new_name`); resources that take `database` from this output then see a new database
   * name.
   */
  name?: pulumi.Input<string>;
  /**
   * Prefix of the generated name when `name` is omitted. Default: the resource name. On change: in
   * place (no API call).
   */
  namePrefix?: pulumi.Input<string>;
  /** `"mysql"` (Vitess) or `"postgresql"`. Default: `"mysql"`. On change: replace. */
  kind?: pulumi.Input<"mysql" | "postgresql">;
  /**
   * Region slug, e.g. `us-east`; the output is the region as PlanetScale reports it. Default: the
   * organization's default region. On change: replace.
   */
  region?: pulumi.Input<string>;
  /**
   * Cluster size of the default branch, e.g. `PS_10` (PlanetScale does not report it back on the
   * database). Default: PlanetScale's default. On change: in place: PlanetScale resizes the default
   * branch (Vitess: `PATCH …/cluster`; Postgres: a change request), its data stays; waits for it, up to
   * `readyTimeout`.
   */
  clusterSize?: pulumi.Input<string>;
  /**
   * Replicas of the default branch: 0 for non-HA, 2 or more for HA. Default: PlanetScale's default. On
   * change: in place on Postgres (a change request of the default branch); MySQL (Vitess) databases
   * take it at create only.
   */
  replicas?: pulumi.Input<number>;
  /**
   * Postgres major version, e.g. `"17"` (Postgres only). Default: the latest PlanetScale offers. On
   * change: replace.
   */
  majorVersion?: pulumi.Input<string>;
  /**
   * The default branch: new branches fork from it; it must exist. The output is the default branch as
   * PlanetScale reports it (so a program can hang branches off it). Default: `main`, which PlanetScale
   * creates with the database. On change: in place.
   */
  defaultBranch?: pulumi.Input<string>;
  /**
   * Deploy requests must be approved by someone other than their creator. Default: as PlanetScale has
   * it (a new database: PlanetScale's default). On change: in place.
   */
  requireApprovalForDeploy?: pulumi.Input<boolean>;
  /**
   * New branches must be in the database's region. Default: as PlanetScale has it (a new database:
   * PlanetScale's default). On change: in place.
   */
  restrictBranchRegion?: pulumi.Input<boolean>;
  /**
   * Branches may be seeded with data (`seedData`; Data Branching). Vitess only. Default: as PlanetScale
   * has it (a new database: PlanetScale's default). On change: in place.
   */
  allowDataBranching?: pulumi.Input<boolean>;
  /**
   * Foreign key constraints are allowed (reported as `foreign_keys_enabled`). Vitess only. Default: as
   * PlanetScale has it (a new database: PlanetScale's default). On change: in place.
   */
  allowForeignKeyConstraints?: pulumi.Input<boolean>;
  /**
   * Migration data is copied to new branches and deploy requests (with `migrationFramework` and
   * `migrationTableName`). Vitess only. Default: as PlanetScale has it (a new database: PlanetScale's
   * default). On change: in place.
   */
  automaticMigrations?: pulumi.Input<boolean>;
  /**
   * The migration framework, e.g. `rails`, for `automaticMigrations`. Vitess only. Default: as
   * PlanetScale has it (a new database: PlanetScale's default). On change: in place.
   */
  migrationFramework?: pulumi.Input<string>;
  /**
   * The table holding migration data, e.g. `schema_migrations`. Vitess only. Default: as PlanetScale
   * has it (a new database: PlanetScale's default). On change: in place.
   */
  migrationTableName?: pulumi.Input<string>;
  /**
   * Query Insights collects full queries. Default: as PlanetScale has it (a new database: PlanetScale's
   * default). On change: in place.
   */
  insightsRawQueries?: pulumi.Input<boolean>;
  /**
   * The web console may be used on production branches. Default: as PlanetScale has it (a new database:
   * PlanetScale's default). On change: in place.
   */
  productionBranchWebConsole?: pulumi.Input<boolean>;
  /**
   * PlanetScale refuses to delete the database; `true` also makes Pulumi refuse to destroy or replace
   * it (its `protect` option) before anything of the stack is deleted. Default: as PlanetScale has it
   * (a new database: `false`). On change: in place.
   */
  deletionProtected?: pulumi.Input<boolean>;
  /**
   * Take over an existing database of that name instead of failing (dynamic providers cannot `pulumi
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
 * A PlanetScale database, MySQL (Vitess) or Postgres, with its settings.
 *
 * ```ts
 * const db = new planetscale.Database("app", { name: "app", clusterSize: "PS_10", deletionProtected: true });
 * const branch = new planetscale.Branch("preview", { database: db.name, parentBranch: db.defaultBranch });
 * ```
 *
 * `pulumi up` creates it and waits until it is ready; its settings change in place; `pulumi
 * refresh` notices out-of-band changes, renames and deletion; `pulumi destroy` deletes it (with its
 * branches). `deletionProtected: true` also sets Pulumi's `protect`, so nothing of the stack is
 * destroyed while the database is protected.
 */
export class Database extends pulumi.CustomResource {
  /** PlanetScale's id of the database. Also the resource id. */
  declare readonly databaseId: pulumi.Output<string>;
  /** Organization slug. */
  declare readonly organization: pulumi.Output<string>;
  /** Current database name. */
  declare readonly name: pulumi.Output<string>;
  /** `mysql` (Vitess) or `postgresql`, as PlanetScale reports it. */
  declare readonly kind: pulumi.Output<string>;
  /** Region slug, as PlanetScale reports it. */
  declare readonly region: pulumi.Output<string | undefined>;
  /** Cluster size of the default branch, as given. */
  declare readonly clusterSize: pulumi.Output<string | undefined>;
  /** Replicas of the default branch, as given. */
  declare readonly replicas: pulumi.Output<number | undefined>;
  /** Postgres major version, as given. */
  declare readonly majorVersion: pulumi.Output<string | undefined>;
  /** The default branch's name, as PlanetScale reports it. */
  declare readonly defaultBranch: pulumi.Output<string>;
  /** Whether deploy requests need an approval by someone other than their creator. */
  declare readonly requireApprovalForDeploy: pulumi.Output<boolean | undefined>;
  /** Whether new branches must be in the database's region. */
  declare readonly restrictBranchRegion: pulumi.Output<boolean | undefined>;
  /** Whether branches may be seeded with data (Vitess). */
  declare readonly allowDataBranching: pulumi.Output<boolean | undefined>;
  /** Whether foreign key constraints are allowed (Vitess). */
  declare readonly allowForeignKeyConstraints: pulumi.Output<boolean | undefined>;
  /** Whether migration data is copied to new branches and deploy requests (Vitess). */
  declare readonly automaticMigrations: pulumi.Output<boolean | undefined>;
  /** The migration framework (Vitess). */
  declare readonly migrationFramework: pulumi.Output<string | undefined>;
  /** The migration table (Vitess). */
  declare readonly migrationTableName: pulumi.Output<string | undefined>;
  /** Whether Query Insights collects full queries. */
  declare readonly insightsRawQueries: pulumi.Output<boolean | undefined>;
  /** Whether the web console may be used on production branches. */
  declare readonly productionBranchWebConsole: pulumi.Output<boolean | undefined>;
  /** Whether PlanetScale refuses to delete the database. */
  declare readonly deletionProtected: pulumi.Output<boolean | undefined>;
  /** `pending`, `ready`, `sleeping`, … */
  declare readonly state: pulumi.Output<string>;
  /** Whether the database accepts branches and connections. */
  declare readonly ready: pulumi.Output<boolean>;
  /** The database's page in the PlanetScale app. */
  declare readonly htmlUrl: pulumi.Output<string | undefined>;
  /** Creation time (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;
  /** Last update time (ISO 8601). */
  declare readonly updatedAt: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const props = {
      // A dynamic resource exposes only the outputs it was constructed with.
      ...declaredOutputs(DATABASE_PROPERTIES, args),
      ...args,
      name: uniqueRemoteName(
        `Database "${name}"`,
        args.name,
        [args.organization],
        (database, organization) => ({
          key: `database ${organization}/${database}`,
          what: `database '${database}' of ${organization}`,
        }),
      ),
      namePrefix: args.name === undefined ? (args.namePrefix ?? name) : args.namePrefix,
    };
    const resource = dynamicResource(databaseProvider, props);
    const restoreStackTraces = suspendPromiseStackTraces();
    try {
      super(
        resource.type,
        name,
        resource.props,
        withDeletionProtection(args.deletionProtected, opts, `Database "${name}"`),
      );
    } finally {
      restoreStackTraces();
    }
  }
}
