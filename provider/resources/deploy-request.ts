import * as pulumi from "@pulumi/pulumi";
import { DEPLOY_REQUEST_PROPERTIES } from "../internal/deploy-request/properties";
import type { DeployOperationInfo } from "../internal/deploy-request/report";
import { suspendPromiseStackTraces } from "../internal/dynamic/promise-stack-traces";
import { dynamicResource } from "../internal/dynamic/serialized-provider";
import { declaredOutputs } from "../internal/inputs/property-table";
import { uniqueRemoteName } from "../internal/ownership/collisions";
import { Branch } from "./branch";

import deployRequestProvider = require("../internal/providers/deploy-request");

export type { DeployOperationInfo };

/**
 * Arguments of a {@link DeployRequest}. Credentials never go here: they come from Pulumi config,
 * as for every resource of this package.
 */
export interface DeployRequestArgs {
  /**
   * Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. On change:
   * replace.
   */
  organization?: pulumi.Input<string>;
  /**
   * Database name (a Vitess/MySQL database: Postgres has no deploy requests, refused at preview). On
   * change: replace.
   */
  database: pulumi.Input<string>;
  /**
   * The branch whose schema changes are deployed: the `Branch` resource, or a branch name. On change:
   * replace.
   */
  branch: pulumi.Input<string> | Branch;
  /**
   * The branch deployed into (it must have safe migrations on); the output is the one PlanetScale
   * chose. Default: the branch's parent, else the database's default branch. On change: replace.
   */
  intoBranch?: pulumi.Input<string>;
  /**
   * Notes shown with the deploy request. On change: kept as given (PlanetScale has no call that edits
   * notes).
   */
  notes?: pulumi.Input<string>;
  /**
   * Cut over to the new schema as soon as it is ready; false waits in `pending_cutover` for someone to
   * apply it (`pscale deploy-request apply`). Default: `true`. On change: in place (`PUT …/auto-apply`)
   * while it is not deployed.
   */
  autoCutover?: pulumi.Input<boolean>;
  /**
   * Let PlanetScale delete the branch once the deploy is live (a `Branch` resource of it is then gone
   * at the next refresh). Default: `false`. On change: in place (`PUT …/auto-delete-branch`) while it
   * is not deployed.
   */
  autoDeleteBranch?: pulumi.Input<boolean>;
  /**
   * Deploy with MySQL's instant DDL when PlanetScale finds it eligible: faster, but cannot be reverted.
   * Default: `false`. On change: in place: used when it is deployed.
   */
  instantDdl?: pulumi.Input<boolean>;
  /**
   * `false`: open the deploy request and keep it open. `true`: deploy it and wait until the change is
   * live (progress lines, up to `deployTimeout`); refused when PlanetScale finds it not deployable, and
   * (without `allowDataLoss`) when it can drop data. Default: `false`. On change: in place: `false` →
   * `true` deploys it; a deployed request stays deployed.
   */
  deploy?: pulumi.Input<boolean>;
  /**
   * Allow `deploy` to run operations that can drop data (a dropped table or column, a changed column
   * type); without it such a deploy fails at preview (once the request is open) and nothing is
   * deployed. Default: `false`. On change: in place (no API call).
   */
  allowDataLoss?: pulumi.Input<boolean>;
  /**
   * How long `pulumi up` waits for a deploy to go live: seconds, or `"30m"`, `"2h"`; after it, the next
   * `up` keeps waiting. Default: `"1h"`. On change: in place (no API call).
   */
  deployTimeout?: pulumi.Input<number | string>;
}

/**
 * A PlanetScale deploy request: a branch's schema changes on their way into production (Vitess
 * databases).
 *
 * ```ts
 * const change = new planetscale.DeployRequest("schema", {
 *   database: "app",
 *   branch,                       // the pull request's Branch
 *   deploy: merged,               // true on merge: deploy, and wait until it is live
 * });
 * export const ddl = change.ddl;
 * ```
 *
 * `pulumi up` opens it and waits while PlanetScale checks it; with `deploy: true` it deploys it and
 * waits until the change is live, printing its progress. `pulumi refresh` notices an approval, a
 * deploy or a close made outside Pulumi. `pulumi destroy` closes it if it was never deployed and
 * leaves a deployed one alone. Reverting is an explicit command: `pulumi-planetscale deploy-request
 * revert <database> <number>`.
 */
export class DeployRequest extends pulumi.CustomResource {
  /** PlanetScale's id of the deploy request (also the resource id). */
  declare readonly deployRequestId: pulumi.Output<string>;
  /** Organization slug. */
  declare readonly organization: pulumi.Output<string>;
  /** Database name. */
  declare readonly database: pulumi.Output<string>;
  /** The branch deployed from. */
  declare readonly branch: pulumi.Output<string>;
  /** The branch deployed into, as PlanetScale reports it. */
  declare readonly intoBranch: pulumi.Output<string>;
  /** Notes, as given. */
  declare readonly notes: pulumi.Output<string | undefined>;
  /** Whether it cuts over as soon as it is ready. */
  declare readonly autoCutover: pulumi.Output<boolean>;
  /** Whether PlanetScale deletes the branch once it is live. */
  declare readonly autoDeleteBranch: pulumi.Output<boolean>;
  /** Instant DDL, as given. */
  declare readonly instantDdl: pulumi.Output<boolean | undefined>;
  /** `deploy`, as given. */
  declare readonly deploy: pulumi.Output<boolean | undefined>;
  /** `allowDataLoss`, as given. */
  declare readonly allowDataLoss: pulumi.Output<boolean | undefined>;
  /** The deploy request's number in its database. */
  declare readonly number: pulumi.Output<number>;
  /** Its page in the PlanetScale app. */
  declare readonly htmlUrl: pulumi.Output<string>;
  /** `open` or `closed`. */
  declare readonly state: pulumi.Output<string>;
  /** PlanetScale's deployment state (`ready`, `queued`, `complete_pending_revert`, …). */
  declare readonly deploymentState: pulumi.Output<string>;
  /** Whether PlanetScale would deploy it now. */
  declare readonly deployable: pulumi.Output<boolean>;
  /** Whether it has an approving review. */
  declare readonly approved: pulumi.Output<boolean>;
  /** Lint errors that keep it from deploying. */
  declare readonly lintErrors: pulumi.Output<string[]>;
  /** The DDL of each operation, in order. */
  declare readonly ddl: pulumi.Output<string[]>;
  /** Each operation: table, kind, DDL, and whether it can drop data. */
  declare readonly operations: pulumi.Output<DeployOperationInfo[]>;
  /** Whether any operation can drop data. */
  declare readonly canDropData: pulumi.Output<boolean>;
  /** When its changes went live (ISO 8601), if they did. */
  declare readonly deployedAt: pulumi.Output<string | undefined>;
  /** Creation time (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: DeployRequestArgs, opts?: pulumi.CustomResourceOptions) {
    // A Branch resource is deployed by its current name (the deploy request then waits for it).
    const branch = args.branch instanceof Branch ? args.branch.name : args.branch;
    const props = {
      // A dynamic resource exposes only the outputs it was constructed with.
      ...declaredOutputs(DEPLOY_REQUEST_PROPERTIES, args),
      ...args,
      branch: uniqueRemoteName(
        `DeployRequest "${name}"`,
        branch,
        [args.organization, args.database],
        (value, organization, [database]) => ({
          key: `deploy request ${organization}/${database}/${value}`,
          what: `the deploy request of branch '${value}' of ${organization}/${database}`,
        }),
        "PlanetScale keeps one open deploy request per branch, so declare one DeployRequest per branch",
      ),
    };
    const resource = dynamicResource(deployRequestProvider, props);
    const restoreStackTraces = suspendPromiseStackTraces();
    try {
      super(resource.type, name, resource.props, opts);
    } finally {
      restoreStackTraces();
    }
  }
}
