import * as pulumi from "@pulumi/pulumi";
import { suspendPromiseStackTraces } from "../internal/dynamic/promise-stack-traces";
import type { ProviderShell } from "../internal/dynamic/provider-shell";
import { dynamicResource } from "../internal/dynamic/serialized-provider";
import { declaredOutputs, type PropertyTable, withSecretOutputs } from "../internal/inputs/property-table";
import { type BranchInput, branchRef } from "./credential-args";

/**
 * Arguments every connection credential ({@link BranchPassword}, {@link BranchRole}) takes.
 * Credentials of the PlanetScale API never go here: they come from Pulumi config, as for every
 * resource of this package.
 */
export interface BranchCredentialArgs {
  /** Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. Changing it replaces the credential. */
  organization?: pulumi.Input<string>;
  /** Database name. Changing it replaces the credential. */
  database: pulumi.Input<string>;
  /**
   * The branch: the {@link Branch} resource (addressed by its id, so renaming the branch keeps the
   * credential), or a branch name or id. Naming another branch replaces the credential; a new name
   * of the same branch does not.
   */
  branch: BranchInput;
  /**
   * The credential's name in PlanetScale (not unique there). Default: the resource name (or
   * `namePrefix`) plus a random suffix, kept across updates. Changing it replaces the credential.
   */
  name?: pulumi.Input<string>;
  /** Prefix for the generated name when `name` is omitted. Default: the resource name. */
  namePrefix?: pulumi.Input<string>;
  /**
   * Lifetime from creation: seconds, or text like `"12h"`, `"30d"`. Omit for a credential that
   * never expires. Changing it replaces the credential.
   */
  ttl?: pulumi.Input<number | string>;
  /**
   * Rotate early: within this much of its expiry (seconds or text like `"7d"`), `pulumi up`
   * replaces the credential, creating the new one before deleting the old. Needs `ttl`, shorter
   * than it.
   */
  rotateBefore?: pulumi.Input<number | string>;
}

/**
 * What a {@link BranchPassword} (MySQL) and a {@link BranchRole} (Postgres) have in common: a user
 * and password for one database branch, with a ready-to-use `databaseUrl`.
 *
 * `pulumi up` creates it; a change of anything but `rotateBefore` or `namePrefix` replaces it (new
 * one first); an expired credential, or one within `rotateBefore` of expiry, is replaced too.
 * `pulumi refresh` notices deletion and expiry; `pulumi destroy` deletes it. PlanetScale shows the
 * plaintext only once, so state is the only place that keeps it ({@link BranchCredential.password}
 * and {@link BranchCredential.databaseUrl} are Pulumi secrets).
 */
export abstract class BranchCredential extends pulumi.CustomResource {
  /** PlanetScale's id of the credential (also the resource id). */
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
  /** The credential's name. */
  declare readonly name: pulumi.Output<string>;
  /** The database user name (on Postgres it carries the branch's routing suffix). */
  declare readonly username: pulumi.Output<string>;
  /** The host to connect to, e.g. `aws.connect.psdb.cloud` (Postgres: on port 5432). */
  declare readonly host: pulumi.Output<string>;
  /** The plaintext password (a Pulumi secret). */
  declare readonly password: pulumi.Output<string>;
  /**
   * The connection URL with the TLS settings PlanetScale documents (a Pulumi secret):
   * `mysql://user:password@host/database?ssl={"rejectUnauthorized":true}` or
   * `postgresql://user:password@host:5432/database?sslmode=verify-full`.
   */
  declare readonly databaseUrl: pulumi.Output<string>;
  /** Lifetime, as given. */
  declare readonly ttl: pulumi.Output<number | string | undefined>;
  /** Rotation window, as given. */
  declare readonly rotateBefore: pulumi.Output<number | string | undefined>;
  /** When it expires (ISO 8601); undefined if never. */
  declare readonly expiresAt: pulumi.Output<string | undefined>;
  /** Creation time (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;

  /**
   * @param provider the kind's provider shell.
   * @param properties the kind's property table: which outputs it exposes and keeps secret.
   */
  protected constructor(
    provider: ProviderShell,
    properties: PropertyTable,
    name: string,
    args: BranchCredentialArgs,
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    const props = {
      // A dynamic resource exposes only the outputs it was constructed with.
      ...declaredOutputs(properties, args),
      ...args,
      branch: branchRef(args.branch),
      namePrefix: args.name === undefined ? (args.namePrefix ?? name) : args.namePrefix,
    };
    const resource = dynamicResource(provider, props);
    const restoreStackTraces = suspendPromiseStackTraces();
    try {
      super(resource.type, name, resource.props, withSecretOutputs(properties, opts));
    } finally {
      restoreStackTraces();
    }
  }
}
