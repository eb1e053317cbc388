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

/** Arguments of a {@link BranchRole}. */
export interface BranchRoleArgs extends BranchCredentialArgs {
  /**
   * Postgres roles to inherit: `pg_read_all_data`, `pg_write_all_data`, `pg_monitor`, … (PlanetScale's
   * list); the output is what PlanetScale reports. Default: PlanetScale's (`postgres`). On change:
   * replace.
   */
  inheritedRoles?: pulumi.Input<pulumi.Input<BranchRoleInheritedRole>[]>;
}

/**
 * A role (user and password) for a Postgres database branch, with a ready-to-use `databaseUrl`
 * (`postgresql://user:password@host:5432/database?sslmode=verify-full`); see
 * {@link BranchCredential} for what changes do.
 *
 * ```ts
 * const role = new planetscale.BranchRole("app", { database: "pg-app", branch, inheritedRoles: ["pg_read_all_data", "pg_write_all_data"], ttl: "30d" });
 * export const databaseUrl = role.databaseUrl; // secret
 * ```
 */
export class BranchRole extends BranchCredential {
  /** Inherited roles, as PlanetScale reports them. */
  declare readonly inheritedRoles: pulumi.Output<BranchRoleInheritedRole[]>;

  constructor(name: string, args: BranchRoleArgs, opts?: pulumi.CustomResourceOptions) {
    super(branchRoleProvider, BRANCH_ROLE_PROPERTIES, name, args, opts);
  }
}
