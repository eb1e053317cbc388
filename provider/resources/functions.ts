import * as pulumi from "@pulumi/pulumi";
import type * as Branches from "../internal/api/branches";
import type * as DeployRequests from "../internal/api/deploy-requests";
import type * as Schema from "../internal/api/schema";
import { type BranchInfo, branchInfo } from "../internal/branch/report";
import { NotFoundError } from "../internal/client/errors";
import type * as Registry from "../internal/client/registry";
import { type ConfigSource, resolveSettings } from "../internal/client/settings";
import { type DeployRequestInfo, deployRequestInfo } from "../internal/deploy-request/info";
import { checkStackConfig } from "../internal/dynamic/stack-config";
import { NO_ORGANIZATION } from "../internal/inputs/organization";
import { InvalidInputError } from "../internal/resource-errors";

/**
 * The HTTP client and the zod schemas, loaded when a function is first called: a program that
 * only declares resources never pays for loading them (~0.5 s of every `pulumi preview`).
 */
function api(): {
  branches: typeof Branches;
  deployRequests: typeof DeployRequests;
  schema: typeof Schema;
  getClient: typeof Registry.getClient;
} {
  return {
    branches: require("../internal/api/branches"),
    deployRequests: require("../internal/api/deploy-requests"),
    schema: require("../internal/api/schema"),
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

/** Arguments of {@link getBranchSchema} and {@link lintBranchSchema}. */
export interface BranchSchemaArgs {
  /** Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. */
  organization?: string;
  /** Database name (Vitess/MySQL). */
  database: string;
  /** Branch name or public id. */
  branch: string;
}

/** One table of a branch's schema. */
export interface BranchSchemaTable {
  /** Table name. */
  name: string;
  /** Its `CREATE TABLE` statement, as PlanetScale shows it. */
  raw: string;
}

/** One lint error of a branch's schema: what keeps a deploy request of it from deploying. */
export interface SchemaLintError {
  /** PlanetScale's code of the error. */
  code: string;
  /** The table it is about, when it is about one. */
  table: string | null;
  /** PlanetScale's description. */
  description: string | null;
  /** PlanetScale's documentation of it. */
  docsUrl: string | null;
}

/** Arguments of {@link getDeployRequest}: its `number`, or a `branch` (its newest deploy request). */
export interface GetDeployRequestArgs {
  /** Organization slug. Default: `planetscale:organization` config, or `PLANETSCALE_ORG`. */
  organization?: string;
  /** Database name. */
  database: string;
  /** The deploy request's number. */
  number?: number;
  /** Instead of `number`: the branch whose newest deploy request to read (as `pscale deploy-request show <db> <branch>`). */
  branch?: string;
}

export type { BranchInfo, DeployRequestInfo };

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

/**
 * A branch's schema: each table's `CREATE TABLE`, by name, with the same credentials as the
 * resources (Vitess databases).
 *
 * ```ts
 * const tables = await planetscale.getBranchSchema({ database: "app", branch: "main" });
 * ```
 */
export async function getBranchSchema(args: BranchSchemaArgs): Promise<BranchSchemaTable[]> {
  const { client, organization } = programClient(args.organization);
  const tables = await api().schema.getBranchSchema(client, organization, args.database, args.branch);
  return tables.map((t) => ({ name: t.name, raw: t.raw }));
}

/**
 * PlanetScale's lint of a branch's schema: the errors that would keep a deploy request of it from
 * deploying. A program can fail its preview on them:
 *
 * ```ts
 * const lint = await planetscale.lintBranchSchema({ database: "app", branch: `pr-${pr}` });
 * if (lint.length > 0) throw new Error(lint.map((e) => `${e.table}: ${e.description}`).join("\n"));
 * ```
 */
export async function lintBranchSchema(args: BranchSchemaArgs): Promise<SchemaLintError[]> {
  const { client, organization } = programClient(args.organization);
  const out: SchemaLintError[] = [];
  for await (const e of api().schema.lintBranchSchema(client, organization, args.database, args.branch)) {
    out.push({
      code: e.lint_error,
      table: e.table_name ?? null,
      description: e.error_description ?? null,
      docsUrl: e.docs_url ?? null,
    });
  }
  return out;
}

/**
 * Reads a deploy request by number, or a branch's newest one. Throws a {@link NotFoundError} when
 * there is none.
 */
export async function getDeployRequest(args: GetDeployRequestArgs): Promise<DeployRequestInfo> {
  const { client, organization } = programClient(args.organization);
  const requests = api().deployRequests;
  if (args.number !== undefined) {
    return deployRequestInfo(
      await requests.getDeployRequest(client, organization, args.database, args.number),
    );
  }
  if (args.branch === undefined) throw new InvalidInputError("getDeployRequest needs `number` or `branch`");
  for await (const request of requests.listDeployRequests(client, organization, args.database, {
    branch: args.branch,
  })) {
    return deployRequestInfo(request);
  }
  throw new NotFoundError(`branch ${args.branch} of ${organization}/${args.database} has no deploy request`, {
    status: 404,
  });
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
