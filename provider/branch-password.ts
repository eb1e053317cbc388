import * as pulumi from "@pulumi/pulumi";
import {
  type BranchInput,
  branchRef,
  CREDENTIAL_OUTPUT_KEYS,
  credentialOptions,
  outputOnly,
} from "./credential-args";

import branchPasswordProvider = require("./internal/providers/branch-password");

/** The role of a {@link BranchPassword}: what its connections may do. */
export type BranchPasswordRole = "reader" | "writer" | "admin" | "readwriter";

/**
 * Arguments of a {@link BranchPassword}. Credentials of the PlanetScale API never go here: they
 * come from Pulumi config, as for every resource of this package.
 */
export interface BranchPasswordArgs {
  /** Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. Changing it replaces the password. */
  organization?: pulumi.Input<string>;
  /** Database name; must be a MySQL (Vitess) database (use {@link BranchRole} on Postgres). Changing it replaces the password. */
  database: pulumi.Input<string>;
  /**
   * The branch: the {@link Branch} resource (addressed by its id, so renaming the branch keeps the
   * password), or a branch name or id. Naming another branch replaces the password; a new name of
   * the same branch does not.
   */
  branch: BranchInput;
  /**
   * The password's name in PlanetScale (not unique there). Default: the resource name (or
   * `namePrefix`) plus a random suffix, kept across updates. Changing it replaces the password.
   */
  name?: pulumi.Input<string>;
  /** Prefix for the generated name when `name` is omitted. Default: the resource name. */
  namePrefix?: pulumi.Input<string>;
  /** `reader`, `writer`, `readwriter` or `admin`. Default: PlanetScale's (`admin`). Changing it replaces the password. */
  role?: pulumi.Input<BranchPasswordRole>;
  /** A password for the branch's read replicas (production branches). Changing it replaces the password. */
  replica?: pulumi.Input<boolean>;
  /**
   * Lifetime from creation: seconds, or text like `"12h"`, `"30d"`. Omit for a password that never
   * expires. Changing it replaces the password.
   */
  ttl?: pulumi.Input<number | string>;
  /**
   * Rotate early: within this much of its expiry (seconds or text like `"7d"`), `pulumi up`
   * replaces the password, creating the new one before deleting the old. Needs `ttl`, shorter than it.
   */
  rotateBefore?: pulumi.Input<number | string>;
}

/**
 * A password for a MySQL (Vitess) database branch, with a ready-to-use `databaseUrl`.
 *
 * ```ts
 * const password = new planetscale.BranchPassword("app", { database: "app", branch, role: "readwriter", ttl: "30d", rotateBefore: "7d" });
 * export const databaseUrl = password.databaseUrl; // secret
 * ```
 *
 * `pulumi up` creates it; a change of anything but `rotateBefore` or `namePrefix` replaces it (new
 * one first); an expired password, or one within `rotateBefore` of expiry, is replaced too.
 * `pulumi refresh` notices deletion and expiry; `pulumi destroy` deletes it. PlanetScale shows the
 * plaintext only once, so state is the only place that keeps it ({@link BranchPassword.password}
 * and {@link BranchPassword.databaseUrl} are Pulumi secrets).
 */
export class BranchPassword extends pulumi.dynamic.Resource {
  /** PlanetScale's id of the password (also the resource id). */
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
  /** The password's name. */
  declare readonly name: pulumi.Output<string>;
  /** The MySQL user name. */
  declare readonly username: pulumi.Output<string>;
  /** The host to connect to, e.g. `aws.connect.psdb.cloud`. */
  declare readonly host: pulumi.Output<string>;
  /** The plaintext password (a Pulumi secret). */
  declare readonly password: pulumi.Output<string>;
  /** `mysql://user:password@host/database?ssl={"rejectUnauthorized":true}` (a Pulumi secret). */
  declare readonly databaseUrl: pulumi.Output<string>;
  /** The role, as PlanetScale reports it. */
  declare readonly role: pulumi.Output<BranchPasswordRole>;
  /** Whether it is a replica password, as PlanetScale reports it. */
  declare readonly replica: pulumi.Output<boolean>;
  /** Lifetime, as given. */
  declare readonly ttl: pulumi.Output<number | string | undefined>;
  /** Rotation window, as given. */
  declare readonly rotateBefore: pulumi.Output<number | string | undefined>;
  /** When it expires (ISO 8601); undefined if never. */
  declare readonly expiresAt: pulumi.Output<string | undefined>;
  /** Creation time (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: BranchPasswordArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      branchPasswordProvider,
      name,
      {
        ...args,
        branch: branchRef(args.branch),
        namePrefix: args.name === undefined ? (args.namePrefix ?? name) : args.namePrefix,
        ...outputOnly(args, [...CREDENTIAL_OUTPUT_KEYS, "role", "replica"]),
      },
      credentialOptions(opts),
      "planetscale",
      "BranchPassword",
    );
  }
}
