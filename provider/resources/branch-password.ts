import type * as pulumi from "@pulumi/pulumi";
import { BRANCH_PASSWORD_PROPERTIES } from "../internal/credential/properties";
import { BranchCredential, type BranchCredentialArgs } from "./branch-credential";

import branchPasswordProvider = require("../internal/providers/branch-password");

/** The role of a {@link BranchPassword}: what its connections may do. */
export type BranchPasswordRole = "reader" | "writer" | "admin" | "readwriter";

/** Arguments of a {@link BranchPassword}. */
export interface BranchPasswordArgs extends BranchCredentialArgs {
  /**
   * `reader`, `writer`, `readwriter` or `admin`; the output is the role PlanetScale reports. Default:
   * PlanetScale's (`admin`). On change: replace.
   */
  role?: pulumi.Input<BranchPasswordRole>;
  /**
   * A password for the branch's read replicas (production branches). Default: `false`. On change:
   * replace.
   */
  replica?: pulumi.Input<boolean>;
}

/**
 * A password for a MySQL (Vitess) database branch, with a ready-to-use `databaseUrl`
 * (`mysql://user:password@host/database?ssl={"rejectUnauthorized":true}`); see
 * {@link BranchCredential} for what changes do.
 *
 * ```ts
 * const password = new planetscale.BranchPassword("app", { database: "app", branch, role: "readwriter", ttl: "30d", rotateBefore: "7d" });
 * export const databaseUrl = password.databaseUrl; // secret
 * ```
 */
export class BranchPassword extends BranchCredential {
  /** The role, as PlanetScale reports it. */
  declare readonly role: pulumi.Output<BranchPasswordRole>;
  /** Whether it is a replica password, as PlanetScale reports it. */
  declare readonly replica: pulumi.Output<boolean>;

  constructor(name: string, args: BranchPasswordArgs, opts?: pulumi.CustomResourceOptions) {
    super(branchPasswordProvider, BRANCH_PASSWORD_PROPERTIES, name, args, opts);
  }
}
