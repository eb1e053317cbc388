import * as pulumi from "@pulumi/pulumi";
import { BRANCH_PROPERTIES } from "../internal/branch/properties";
import { suspendPromiseStackTraces } from "../internal/dynamic/promise-stack-traces";
import { dynamicResource } from "../internal/dynamic/serialized-provider";
import { declaredOutputs } from "../internal/inputs/property-table";
import { uniqueRemoteName } from "../internal/ownership/collisions";

import branchProvider = require("../internal/providers/branch");

/**
 * Arguments of a {@link Branch}. Credentials never go here: they come from Pulumi config
 * (`planetscale:serviceTokenId` and the secret `planetscale:serviceToken`, or the secret
 * `planetscale:accessToken`), with `PLANETSCALE_*` environment variables as fallback.
 */
export interface BranchArgs {
  /** Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. Changing it replaces the branch. */
  organization?: pulumi.Input<string>;
  /** Database name. Changing it replaces the branch. */
  database: pulumi.Input<string>;
  /**
   * Branch name: lowercase letters, digits and hyphens (at most 63). Default: the resource name
   * (or {@link BranchArgs.namePrefix}) plus a random suffix. Renaming is done in place.
   */
  name?: pulumi.Input<string>;
  /** Prefix for the generated name when `name` is omitted. Default: the resource name. */
  namePrefix?: pulumi.Input<string>;
  /** Branch to fork from. Default: the database's default branch. Changing it replaces the branch. */
  parentBranch?: pulumi.Input<string>;
  /** Region slug, e.g. `us-east`. Default: the database's region. Changing it replaces the branch. */
  region?: pulumi.Input<string>;
  /** Restore this backup into the new branch. Replaces on change; cannot be combined with `seedData`. */
  backupId?: pulumi.Input<string>;
  /** `"last_successful_backup"` seeds the branch with data (Data Branching). Replaces on change. */
  seedData?: pulumi.Input<"last_successful_backup">;
  /**
   * Cluster size, e.g. `PS_10` (needed with `backupId` on most plans). Changed in place through
   * PlanetScale's cluster resize (the branch and its data stay); the update waits until the branch
   * reports the new size, up to `readyTimeout`.
   */
  clusterSize?: pulumi.Input<string>;
  /** Refuse deletion while true (also blocks `pulumi destroy`). Updated in place. */
  deletionProtected?: pulumi.Input<boolean>;
  /** Enable safe migrations (applied once the branch is ready). Updated in place. */
  safeMigrations?: pulumi.Input<boolean>;
  /** At delete time, also delete child branches. Default false: a branch with children is refused. */
  deleteDescendants?: pulumi.Input<boolean>;
  /**
   * Take over an existing branch of this name instead of failing with "already exists" (dynamic
   * providers cannot `pulumi import`). Destroying the stack then deletes that branch.
   */
  adopt?: pulumi.Input<boolean>;
  /** How long create and update wait for readiness: seconds, or text like `"20m"`. Default 20 minutes. */
  readyTimeout?: pulumi.Input<number | string>;
}

/**
 * A PlanetScale database branch.
 *
 * ```ts
 * const branch = new planetscale.Branch("preview", { database: "app", name: `pr-${pr}` });
 * export const url = branch.htmlUrl;
 * ```
 *
 * `pulumi up` creates it and waits until it is ready; renames and deletion protection are changed
 * in place (the branch is addressed by its public id); `pulumi refresh` notices out-of-band changes
 * and deletion; `pulumi destroy` deletes it.
 */
export class Branch extends pulumi.CustomResource {
  /** PlanetScale's public id of the branch; stable across renames. Also the resource id. */
  declare readonly branchId: pulumi.Output<string>;
  /** Organization slug. */
  declare readonly organization: pulumi.Output<string>;
  /** Database name. */
  declare readonly database: pulumi.Output<string>;
  /** Current branch name. */
  declare readonly name: pulumi.Output<string>;
  /** Parent branch name, as PlanetScale reports it. */
  declare readonly parentBranch: pulumi.Output<string | undefined>;
  /** Region slug, as PlanetScale reports it. */
  declare readonly region: pulumi.Output<string | undefined>;
  /** `pending`, `ready`, `sleeping`, … */
  declare readonly state: pulumi.Output<string>;
  /** Whether the branch accepts connections and schema changes. */
  declare readonly ready: pulumi.Output<boolean>;
  /** Whether this is a production branch. */
  declare readonly production: pulumi.Output<boolean>;
  /** The branch's page in the PlanetScale app. */
  declare readonly htmlUrl: pulumi.Output<string | undefined>;
  /** MySQL host to connect to, when PlanetScale reports one. */
  declare readonly mysqlAddress: pulumi.Output<string | undefined>;
  /** MySQL edge host, when PlanetScale reports one. */
  declare readonly mysqlEdgeAddress: pulumi.Output<string | undefined>;
  /** Cluster size (PlanetScale's `cluster_name`), e.g. `PS_DEV`. */
  declare readonly clusterSize: pulumi.Output<string | undefined>;
  /** Whether deletion protection is on. */
  declare readonly deletionProtected: pulumi.Output<boolean>;
  /** Whether safe migrations are on. */
  declare readonly safeMigrations: pulumi.Output<boolean>;
  /** Backup restored into the branch, as given. */
  declare readonly backupId: pulumi.Output<string | undefined>;
  /** Seed option, as given. */
  declare readonly seedData: pulumi.Output<string | undefined>;
  /** Whether delete also removes child branches, as given. */
  declare readonly deleteDescendants: pulumi.Output<boolean | undefined>;
  /** Creation time (ISO 8601). */
  declare readonly createdAt: pulumi.Output<string>;
  /** Last update time (ISO 8601). */
  declare readonly updatedAt: pulumi.Output<string>;

  constructor(name: string, args: BranchArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      // A dynamic resource exposes only the outputs it was constructed with.
      ...declaredOutputs(BRANCH_PROPERTIES, args),
      ...args,
      name: uniqueRemoteName(
        `Branch "${name}"`,
        args.name,
        [args.organization, args.database],
        (branch, organization, [database]) => ({
          key: `branch ${organization}/${database}/${branch}`,
          what: `branch '${branch}' of ${organization}/${database}`,
        }),
      ),
      namePrefix: args.name === undefined ? (args.namePrefix ?? name) : args.namePrefix,
    };
    const resource = dynamicResource(branchProvider, props);
    const restoreStackTraces = suspendPromiseStackTraces();
    try {
      super(resource.type, name, resource.props, opts);
    } finally {
      restoreStackTraces();
    }
  }
}
