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
  /**
   * Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. On change:
   * replace.
   */
  organization?: pulumi.Input<string>;
  /**
   * Database name; must be MySQL for `BranchPassword`, Postgres for `BranchRole` (checked at preview,
   * naming the database's kind). On change: replace.
   */
  database: pulumi.Input<string>;
  /**
   * The `Branch` resource (recommended: addressed by its public id), or a branch name or id. On change:
   * replace if it names another branch; in place for the same branch under a new name or its id.
   */
  branch: BranchInput;
  /**
   * The credential's name (not unique in PlanetScale). Default: the resource name (or `namePrefix`)
   * plus a random suffix, kept across updates. On change: renamed in place: same id, user name and
   * password.
   */
  name?: pulumi.Input<string>;
  /**
   * Prefix of the generated name when `name` is omitted. Default: the resource name. On change: in
   * place (no API call).
   */
  namePrefix?: pulumi.Input<string>;
  /**
   * Lifetime from creation: seconds, or `"12h"`, `"30d"`. Default: never expires. On change: replace.
   */
  ttl?: pulumi.Input<number | string>;
  /**
   * Replace the credential (new one first) once it is within this long of expiry; needs `ttl`, shorter
   * than it. On change: in place (no API call).
   */
  rotateBefore?: pulumi.Input<number | string>;
}

/**
 * What a {@link BranchPassword} (MySQL) and a {@link BranchRole} (Postgres) have in common: a user
 * and password for one database branch, with a ready-to-use `databaseUrl`.
 *
 * `pulumi up` creates it; a new `name` (and a password's `cidrs`, a role's query safety) is applied
 * in place, keeping the password; the inputs the README marks "replace" replace it (new one first);
 * an expired credential, or one within `rotateBefore` of expiry, is replaced too.
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
