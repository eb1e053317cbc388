import type * as pulumi from "@pulumi/pulumi";
import { BRANCH_ROLE_PROPERTIES } from "../internal/credential/properties";
import { BranchCredential, type BranchCredentialArgs } from "./branch-credential";

import branchRoleProvider = require("../internal/providers/branch-role");

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
 * What pg_strict does with an UPDATE or DELETE without a WHERE clause on a {@link BranchRole}'s
 * connections: nothing, a warning, or a refusal.
 */
export type BranchRoleQuerySafety = "off" | "warn" | "on";

/** Arguments of a {@link BranchRole}. */
export interface BranchRoleArgs extends BranchCredentialArgs {
  /**
   * Postgres roles to inherit: `pg_read_all_data`, `pg_write_all_data`, `pg_monitor`, … (PlanetScale's
   * list); the output is what PlanetScale reports. Default: PlanetScale's (`postgres`). On change:
   * replace.
   */
  inheritedRoles?: pulumi.Input<pulumi.Input<BranchRoleInheritedRole>[]>;
  /**
   * Give the role Postgres's REPLICATION attribute (to stream changes, e.g. to a change-data-capture
   * tool). Default: `false`. On change: replace.
   */
  withReplication?: pulumi.Input<boolean>;
  /**
   * What pg_strict does with a DELETE statement without a WHERE clause on this role's connections:
   * `off`, `warn` or `on` (refuse it); it applies where the database has pg_strict enabled. Default:
   * PlanetScale's (`off`). On change: in place.
   */
  requireWhereOnDelete?: pulumi.Input<BranchRoleQuerySafety>;
  /**
   * What pg_strict does with an UPDATE statement without a WHERE clause on this role's connections:
   * `off`, `warn` or `on` (refuse it); it applies where the database has pg_strict enabled. Default:
   * PlanetScale's (`off`). On change: in place.
   */
  requireWhereOnUpdate?: pulumi.Input<BranchRoleQuerySafety>;
  /**
   * The role of the same branch that takes over what this one owns (tables its connections created)
   * when it is deleted: a role's id, or its user name with or without the branch id suffix. PlanetScale
   * refuses to delete a role that owns objects without one. Default: `postgres`, the branch's default
   * role. On change: in place (used at delete).
   */
  successor?: pulumi.Input<string>;
  /**
   * Before the delete, give what the role owns to this role in a call of its own (`POST
   * …/roles/{id}/reassign`, as `pscale role reassign`): a role's id or user name, as `successor`.
   * Default: no separate reassign: `successor` takes the objects. On change: in place (used at delete).
   */
  reassignTo?: pulumi.Input<string>;
}

/**
 * A role (user and password) for a Postgres database branch, with a ready-to-use `databaseUrl`
 * (`postgresql://user:password@host:5432/database?sslmode=verify-full`) and `pooledDatabaseUrl`
 * (the same through PgBouncer, port 6432); see {@link BranchCredential} for what changes do. When
 * it is deleted, what it owns (tables its connections created) goes to `successor` (`postgres`),
 * so a preview environment whose app created tables destroys cleanly.
 *
 * ```ts
 * const role = new planetscale.BranchRole("app", { database: "pg-app", branch, inheritedRoles: ["pg_read_all_data", "pg_write_all_data"], ttl: "30d" });
 * export const databaseUrl = role.databaseUrl; // secret
 * ```
 */
export class BranchRole extends BranchCredential {
  /** Inherited roles, as PlanetScale reports them. */
  declare readonly inheritedRoles: pulumi.Output<BranchRoleInheritedRole[]>;
  /** Whether the role has the REPLICATION attribute, as PlanetScale reports it. */
  declare readonly withReplication: pulumi.Output<boolean>;
  /** pg_strict on DELETE without WHERE, as PlanetScale reports it. */
  declare readonly requireWhereOnDelete: pulumi.Output<BranchRoleQuerySafety>;
  /** pg_strict on UPDATE without WHERE, as PlanetScale reports it. */
  declare readonly requireWhereOnUpdate: pulumi.Output<BranchRoleQuerySafety>;
  /** The role that takes over its objects when it is deleted, as given (`postgres` when not). */
  declare readonly successor: pulumi.Output<string | undefined>;
  /** The role its objects are reassigned to before the delete, as given. */
  declare readonly reassignTo: pulumi.Output<string | undefined>;
  /**
   * The connection through PlanetScale's PgBouncer (a Pulumi secret):
   * `postgresql://user:password@host:6432/database?sslmode=verify-full`, for the app; `databaseUrl`
   * (port 5432) for migrations and long sessions.
   */
  declare readonly pooledDatabaseUrl: pulumi.Output<string>;

  constructor(name: string, args: BranchRoleArgs, opts?: pulumi.CustomResourceOptions) {
    super(branchRoleProvider, BRANCH_ROLE_PROPERTIES, name, args, opts);
  }
}
