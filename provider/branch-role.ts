import * as pulumi from "@pulumi/pulumi";
import {
  type BranchInput,
  branchRef,
  CREDENTIAL_OUTPUT_KEYS,
  credentialOptions,
  outputOnly,
} from "./credential-args";

import branchRoleProvider = require("./internal/providers/branch-role");

/** A Postgres role a {@link BranchRole} can inherit (PlanetScale's list). */
export type BranchRoleInheritedRole =
  | "pg_checkpoint"
  | "pg_create_subscription"
  | "pg_maintain"
  | "pg_monitor"
  | "pg_read_all_data"
  | "pg_read_all_settings"
  | "pg_read_all_stats"
  | "pg_signal_backend"
  | "pg_stat_scan_tables"
  | "pg_use_reserved_connections"
  | "pg_write_all_data"
  | "postgres";

/**
 * Arguments of a {@link BranchRole}. Credentials of the PlanetScale API never go here: they come
 * from Pulumi config, as for every resource of this package.
 */
export interface BranchRoleArgs {
  /** Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. Changing it replaces the role. */
  organization?: pulumi.Input<string>;
  /** Database name; must be a Postgres database (use {@link BranchPassword} on MySQL). Changing it replaces the role. */
  database: pulumi.Input<string>;
  /**
   * The branch: the `Branch` resource (addressed by its id, so renaming the branch keeps the
   * role), or a branch name or id. Naming another branch replaces the role; a new name of the
   * same branch does not.
   */
  branch: BranchInput;
  /**
   * The role's name in PlanetScale (not unique there). Default: the resource name (or
   * `namePrefix`) plus a random suffix, kept across updates. Changing it replaces the role.
   */
  name?: pulumi.Input<string>;
  /** Prefix for the generated name when `name` is omitted. Default: the resource name. */
  namePrefix?: pulumi.Input<string>;
  /**
   * Postgres roles to inherit, e.g. `["pg_read_all_data", "pg_write_all_data"]`. Default:
   * PlanetScale's (`postgres`). Changing it replaces the role.
   */
  inheritedRoles?: pulumi.Input<pulumi.Input<BranchRoleInheritedRole>[]>;
  /**
   * Lifetime from creation: seconds, or text like `"12h"`, `"30d"`. Omit for a role that never
   * expires. Changing it replaces the role.
   */
  ttl?: pulumi.Input<number | string>;
  /**
   * Rotate early: within this much of its expiry (seconds or text like `"7d"`), `pulumi up`
   * replaces the role, creating the new one before deleting the old. Needs `ttl`, shorter than it.
   */
  rotateBefore?: pulumi.Input<number | string>;
}

/**
 * A role (user and password) for a Postgres database branch, with a ready-to-use `databaseUrl`.
 *
 * ```ts
 * const role = new planetscale.BranchRole("app", { database: "pg-app", branch, inheritedRoles: ["pg_read_all_data", "pg_write_all_data"], ttl: "30d" });
 * export const databaseUrl = role.databaseUrl; // secret
 * ```
 *
 * `pulumi up` creates it; a change of anything but `rotateBefore` or `namePrefix` replaces it (new
 * one first); an expired role, or one within `rotateBefore` of expiry, is replaced too.
 * `pulumi refresh` notices deletion and expiry; `pulumi destroy` deletes it. PlanetScale shows the
 * password only once, so state is the only place that keeps it ({@link BranchRole.password} and
 * {@link BranchRole.databaseUrl} are Pulumi secrets).
 */
export class BranchRole extends pulumi.dynamic.Resource {
  /** PlanetScale's id of the role (also the resource id). */
  declare readonly credentialId: pulumi.Output<string>;
  /** Organization slug. */
  declare readonly organization: pulumi.Output<string>;
  /** Database name. */
  declare readonly database: pulumi.Output<string>;
  /** The branch as given. */
  declare readonly branch: pulumi.Output<string>;
  /** The branch's public id (stable across renames). */
  declare readonly branchId: pulumi.Output<string>;
  /** The branch's name when last seen. */
  declare readonly branchName: pulumi.Output<string>;
  /** The role's name. */
  declare readonly name: pulumi.Output<string>;
  /** The Postgres user name (it carries the branch's routing suffix). */
  declare readonly username: pulumi.Output<string>;
  /** The host to connect to, on port 5432. */
  declare readonly host: pulumi.Output<string>;
  /** The plaintext password (a Pulumi secret). */
  declare readonly password: pulumi.Output<string>;
  /** `postgresql://user:password@host:5432/database?sslmode=verify-full` (a Pulumi secret). */
  declare readonly databaseUrl: pulumi.Output<string>;
  /** Inherited roles, as PlanetScale reports them. */
  declare readonly inheritedRoles: pulumi.Output<BranchRoleInheritedRole[]>;
  /** Lifetime, as given. */
  declare readonly ttl: pulumi.Output<number | string | undefined>;
  /** Rotation window, as given. */
  declare readonly rotateBefore: pulumi.Output<number | string | undefined>;
  /** When it expires (ISO 8601); undefined if never. */
  declare readonly expiresAt: pulumi.Output<string | undefined>;
  /** Creation time (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: BranchRoleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      branchRoleProvider,
      name,
      {
        ...args,
        branch: branchRef(args.branch),
        namePrefix: args.name === undefined ? (args.namePrefix ?? name) : args.namePrefix,
        ...outputOnly(args, [...CREDENTIAL_OUTPUT_KEYS, "inheritedRoles"]),
      },
      credentialOptions(opts),
      "planetscale",
      "BranchRole",
    );
  }
}
