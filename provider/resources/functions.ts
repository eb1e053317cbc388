import * as pulumi from "@pulumi/pulumi";
import type * as Branches from "../internal/api/branches";
import { type BranchInfo, branchInfo } from "../internal/branch/report";
import type * as Registry from "../internal/client/registry";
import { type ConfigSource, resolveSettings } from "../internal/client/settings";
import { checkStackConfig } from "../internal/dynamic/stack-config";
import { NO_ORGANIZATION } from "../internal/inputs/organization";
import { InvalidInputError } from "../internal/resource-errors";

/**
 * The HTTP client and the zod schemas, loaded when a function is first called: a program that
 * only declares resources never pays for loading them (~0.5 s of every `pulumi preview`).
 */
function api(): { branches: typeof Branches; getClient: typeof Registry.getClient } {
  return {
    branches: require("../internal/api/branches"),
    getClient: require("../internal/client/registry").getClient,
  };
}

/** Arguments of {@link getBranches}. */
export interface GetBranchesArgs {
  /** Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. */
  organization?: string;
  /** Database name. */
  database: string;
  /** Only branches whose name contains this text (PlanetScale's `q`). */
  search?: string;
}

/** Arguments of {@link getBranch}. */
export interface GetBranchArgs {
  /** Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. */
  organization?: string;
  /** Database name. */
  database: string;
  /** Branch name or public id. */
  branch: string;
}

export type { BranchInfo };

/**
 * Lists a database's branches (every page), with the same credentials as the resources.
 *
 * ```ts
 * const all = await planetscale.getBranches({ database: "app" });
 * ```
 */
export async function getBranches(args: GetBranchesArgs): Promise<BranchInfo[]> {
  const { client, organization } = programClient(args.organization);
  const out: BranchInfo[] = [];
  const query = args.search === undefined ? {} : { q: args.search };
  for await (const branch of api().branches.listBranches(client, organization, args.database, query)) {
    out.push(branchInfo(branch));
  }
  return out;
}

/** Reads one branch by name or public id. Throws a {@link NotFoundError} when it does not exist. */
export async function getBranch(args: GetBranchArgs): Promise<BranchInfo> {
  const { client, organization } = programClient(args.organization);
  return branchInfo(await api().branches.getBranch(client, organization, args.database, args.branch));
}

/** Program-side settings: the stack's config (secrets included) with the usual env fallbacks. */
function programClient(organization: string | undefined) {
  checkStackConfig();
  const config: ConfigSource = { get: (key) => pulumi.runtime.getConfig(key) };
  const settings = resolveSettings(config, process.env);
  const org = organization ?? settings.organization;
  if (!org) throw new InvalidInputError(NO_ORGANIZATION);
  return { client: api().getClient(settings), organization: org };
}
