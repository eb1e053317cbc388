import * as z from "zod";
import type { PlanetScaleClient } from "../client/client";
import { branchPath } from "./paths";
import { BranchChange, BranchParameter } from "./schemas";

/**
 * Body of `PATCH …/branches/{branch}/changes` (`update_branch_change_request`, Postgres): what to
 * change; anything left out stays as it is.
 */
export interface BranchChangeBody {
  /** e.g. `PS_20` (or its fully qualified SKU, `PS_20_AWS_X86`). */
  cluster_size?: string | undefined;
  replicas?: number | undefined;
  /** Parameters by namespace (`pgconf`, `pgbouncer`, `patroni`), values as text. */
  parameters?: Record<string, Record<string, string>> | undefined;
}

/**
 * Asks PlanetScale to change a Postgres branch's size, replicas or parameters. Answers the change
 * request, to poll with {@link getBranchChange} until `completed`; or undefined when nothing had to
 * change (the spec's 204). Asking for the same change again is harmless (PlanetScale upserts it),
 * so it is retried.
 */
export async function requestBranchChange(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  body: BranchChangeBody,
): Promise<BranchChange | undefined> {
  const answer = await client.request({
    method: "PATCH",
    path: `${branchPath(organization, database, branch)}/changes`,
    body,
    schema: BranchChange.optional(),
    idempotent: true,
  });
  return answer ?? undefined;
}

/** One change request of a Postgres branch. */
export function getBranchChange(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
): Promise<BranchChange> {
  return client.request({
    method: "GET",
    path: `${branchPath(organization, database, branch)}/changes/${encodeURIComponent(id)}`,
    schema: BranchChange,
  });
}

/** The configuration parameters of a Postgres branch (a bare array, not a list envelope). */
export function listBranchParameters(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
): Promise<BranchParameter[]> {
  return client.request({
    method: "GET",
    path: `${branchPath(organization, database, branch)}/parameters`,
    schema: z.array(BranchParameter),
  });
}
