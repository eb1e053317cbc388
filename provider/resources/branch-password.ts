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
  /**
   * The IP addresses or CIDR ranges (IPv4 or IPv6) that may connect with it, e.g. `["203.0.113.0/24"]`;
   * `[]` lets any address connect. Default: any address (removing it lifts the restriction). On change:
   * in place: same id, user name and password.
   */
  cidrs?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Connect straight to a VTGate in each availability zone, bypassing PlanetScale's load balancers (the
   * hosts are in `directVtgateAddresses`). Default: `false`. On change: replace.
   */
  directVtgate?: pulumi.Input<boolean>;
}

/**
 * A password for a MySQL (Vitess) database branch, with a ready-to-use `databaseUrl`
 * (`mysql://user:password@host/database?ssl={"rejectUnauthorized":true}`); see
 * {@link BranchCredential} for what changes do.
 *
 * ```ts
 * const password = new planetscale.BranchPassword("app", { database: "app", branch, role: "readwriter", ttl: "30d", rotateBefore: "7d", cidrs: ["203.0.113.0/24"] });
 * export const databaseUrl = password.databaseUrl; // secret
 * ```
 */
export class BranchPassword extends BranchCredential {
  /** The role, as PlanetScale reports it. */
  declare readonly role: pulumi.Output<BranchPasswordRole>;
  /** Whether it is a replica password, as PlanetScale reports it. */
  declare readonly replica: pulumi.Output<boolean>;
  /** The IP addresses and CIDR ranges that may connect with it, as PlanetScale reports them (`[]`: any). */
  declare readonly cidrs: pulumi.Output<string[]>;
  /** Whether it connects straight to the VTGates, as PlanetScale reports it. */
  declare readonly directVtgate: pulumi.Output<boolean>;
  /** With `directVtgate`, the hosts to connect to, one per availability zone (else empty). */
  declare readonly directVtgateAddresses: pulumi.Output<string[]>;

  constructor(name: string, args: BranchPasswordArgs, opts?: pulumi.CustomResourceOptions) {
    super(branchPasswordProvider, BRANCH_PASSWORD_PROPERTIES, name, args, opts);
  }
}
