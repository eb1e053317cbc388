import * as pulumi from "@pulumi/pulumi";
import type { Grant } from "../internal/api-token/grants";
import { expandPermissions, type Scope } from "../internal/api-token/permissions";
import { API_TOKEN_PROPERTIES } from "../internal/api-token/properties";
import { suspendPromiseStackTraces } from "../internal/dynamic/promise-stack-traces";
import { dynamicResource } from "../internal/dynamic/serialized-provider";
import { declaredOutputs, withSecretOutputs } from "../internal/inputs/property-table";
import { uniqueRemoteName } from "../internal/ownership/collisions";

import apiTokenProvider = require("../internal/providers/api-token");

/**
 * A scope preset of an {@link ApiToken}: a named set of PlanetScale accesses, each with an
 * organization part and a database part (the README has the full table).
 *
 * - `read_only`: read the organization, databases, branches, deploy requests, comments, backups.
 * - `schema_changes`: `read_only`, plus create and connect to development branches, open deploy
 *   requests, comment, write branch VSchema. No `delete_*` and no production access.
 * - `database_access`: `schema_changes`, plus production connections, deleting branches and
 *   their passwords, approving deploy requests, backups and restores, editing database settings.
 * - `admin`: every organization and every database access.
 *
 * @useDeclaredType
 */
export type ApiTokenScope = Scope;

/**
 * Arguments of an {@link ApiToken}. Credentials never go here: the token is created with the
 * credential from Pulumi config (`planetscale:serviceTokenId` and the secret
 * `planetscale:serviceToken`, or the secret `planetscale:accessToken`), with `PLANETSCALE_*`
 * environment variables as fallback. That credential must itself hold every access it grants.
 */
export interface ApiTokenArgs {
  /**
   * Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. On change:
   * replace.
   */
  organization?: pulumi.Input<string>;
  /**
   * The token's name (not unique in PlanetScale). Default: the resource name (or `namePrefix`) plus a
   * random suffix, kept across updates. On change: replace (PlanetScale cannot rename tokens).
   */
  name?: pulumi.Input<string>;
  /**
   * Prefix of the generated name when `name` is omitted. Default: the resource name. On change: in
   * place (no API call).
   */
  namePrefix?: pulumi.Input<string>;
  /**
   * Scope presets: any of `read_only`, `schema_changes`, `database_access`, `admin`; combined with
   * `permissions`. On change: in place.
   */
  scopes?: pulumi.Input<pulumi.Input<ApiTokenScope>[]>;
  /**
   * Explicit PlanetScale access names, e.g. `read_branch`, `create_databases` (every one is in the
   * README, "Access names accepted in `permissions`"), added to the scopes; unknown names are refused
   * at preview. On change: in place.
   */
  permissions?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Grant the database accesses on these databases only (organization accesses stay at organization
   * level either way). Default: organization level (every database, including future ones). On change:
   * in place.
   */
  databases?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * When the token expires: ISO 8601 with a time zone (`"2027-01-01T00:00:00Z"`), or a date
   * (`"2027-01-01"`, midnight UTC); must be in the future; not with `ttl`. The output is the real
   * expiry as PlanetScale reports it. Default: never (with `ttl` unset; a warning says so at preview).
   * On change: replace.
   */
  expiresAt?: pulumi.Input<string>;
  /**
   * Lifetime from creation: seconds, or `"90s"`, `"12h"`, `"30d"`, `"1d12h"`; not with `expiresAt`.
   * Default: never expires (with `expiresAt` unset). On change: replace.
   */
  ttl?: pulumi.Input<number | string>;
  /**
   * Replace the token (new one first) once it is within this long of expiry: seconds, or `"7d"`; needs
   * `ttl` (or an `expiresAt` later than this window). An expired token is always replaced. On change:
   * in place (no API call).
   */
  rotateBefore?: pulumi.Input<number | string>;
}

/**
 * One grant of an {@link ApiToken}, as PlanetScale reports it: the accesses it holds on the
 * organization, or on one database. (An interface of its own, not an alias, so the API reference
 * lists its fields.)
 */
export interface ApiTokenGrant extends Grant {}

/**
 * A scoped, optionally expiring PlanetScale service token.
 *
 * ```ts
 * const ci = new planetscale.ApiToken("ci", {
 *   scopes: ["read_only"],
 *   databases: ["app"],
 *   ttl: "30d",
 *   rotateBefore: "7d",
 * });
 * export const ciAuthorization = ci.authorizationHeader; // secret: "<id>:<token>"
 * ```
 *
 * `pulumi up` creates the token and grants its accesses (all or nothing: if a grant fails the
 * token is deleted again); scope, permission and database changes are applied in place by adding
 * and revoking exactly the accesses that differ; name, organization and lifetime changes, expiry
 * and `rotateBefore` replace it (new token first). `pulumi refresh` notices deleted, expired and
 * re-scoped tokens. {@link ApiToken.token} and {@link ApiToken.authorizationHeader} are Pulumi
 * secrets; PlanetScale shows the token value only once, so state is the only place that keeps it.
 */
export class ApiToken extends pulumi.CustomResource {
  /** PlanetScale's id of the token (also the resource id and the first half of the credential). */
  declare readonly tokenId: pulumi.Output<string>;
  /** The token's secret value (a Pulumi secret). */
  declare readonly token: pulumi.Output<string>;
  /** `"<tokenId>:<token>"`, the value of PlanetScale's `Authorization` header (a Pulumi secret). */
  declare readonly authorizationHeader: pulumi.Output<string>;
  /** Organization slug. */
  declare readonly organization: pulumi.Output<string>;
  /** The token's name. */
  declare readonly name: pulumi.Output<string>;
  /** When the token expires (ISO 8601), as PlanetScale reports it; undefined if it never expires. */
  declare readonly expiresAt: pulumi.Output<string | undefined>;
  /** The accesses the token holds, as PlanetScale reports them, sorted by resource then name. */
  declare readonly grants: pulumi.Output<ApiTokenGrant[]>;
  /** Scope presets, as given. */
  declare readonly scopes: pulumi.Output<ApiTokenScope[] | undefined>;
  /** Explicit accesses, as given. */
  declare readonly permissions: pulumi.Output<string[] | undefined>;
  /** Databases the database accesses are restricted to, as given. */
  declare readonly databases: pulumi.Output<string[] | undefined>;
  /** Lifetime, as given. */
  declare readonly ttl: pulumi.Output<number | string | undefined>;
  /** Rotation window, as given. */
  declare readonly rotateBefore: pulumi.Output<number | string | undefined>;
  /** Creation time (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: ApiTokenArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      // A dynamic resource exposes only the outputs it was constructed with.
      ...declaredOutputs(API_TOKEN_PROPERTIES, args),
      ...args,
      // PlanetScale allows several tokens of one name, but within one stack it is always a
      // mistake: after a lost answer, the run could not tell which token is whose.
      name: uniqueRemoteName(`ApiToken "${name}"`, args.name, [args.organization], (token, organization) => ({
        key: `token ${organization}/${token}`,
        what: `service token '${token}' of ${organization}`,
      })),
      namePrefix: args.name === undefined ? (args.namePrefix ?? name) : args.namePrefix,
    };
    const resource = dynamicResource(apiTokenProvider, props);
    const restoreStackTraces = suspendPromiseStackTraces();
    try {
      super(resource.type, name, resource.props, withSecretOutputs(API_TOKEN_PROPERTIES, opts));
    } finally {
      restoreStackTraces();
    }
    warnIfNeverExpires(this, args);
    warnIfDatabaseAccessIsOrganizationWide(this, args);
  }
}

/** Never-expiring tokens are discouraged: say so at preview, naming the fix. */
function warnIfNeverExpires(resource: ApiToken, args: ApiTokenArgs): void {
  pulumi.all([args.expiresAt, args.ttl]).apply(([expiresAt, ttl]) => {
    if (expiresAt === undefined && ttl === undefined) {
      warnAbout(
        resource,
        'this API token never expires: set `ttl` (e.g. "30d", with `rotateBefore: "7d"` to rotate it) or `expiresAt` ' +
          "so a leaked token stops working on its own",
      );
    }
  });
}

/**
 * Without `databases`, database accesses are granted at organization level: they then reach every
 * database, including future ones. That is rarely what a narrowly scoped token wants: say so.
 */
function warnIfDatabaseAccessIsOrganizationWide(resource: ApiToken, args: ApiTokenArgs): void {
  pulumi.all([args.scopes, args.permissions, args.databases]).apply(([scopes, permissions, databases]) => {
    if (databases !== undefined) return;
    const { database } = expandPermissions(scopes ?? [], permissions ?? []);
    if (database.length === 0) return;
    warnAbout(
      resource,
      `no \`databases\` are listed, so the database accesses (${database.join(", ")}) are granted at organization ` +
        "level, on every database including future ones: list the databases in `databases` to restrict them",
    );
  });
}

/**
 * A warning shown under `resource`, logged once the engine has registered it. Pulumi's Node SDK
 * chains every log of a process on the one before and first waits for the URN of the resource a
 * log is about (`lastLog` in `@pulumi/pulumi/log`): logged at once, a warning about a token whose
 * registration never completes (its run failed first) held every later log of the process, and so
 * every later Automation API run in it, forever.
 */
function warnAbout(resource: pulumi.Resource, message: string): void {
  resource.urn.apply(() => pulumi.log.warn(message, resource));
}
