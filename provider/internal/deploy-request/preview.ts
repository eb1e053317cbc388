import type * as pulumi from "@pulumi/pulumi";
import type { DeployRequest } from "../api/deploy-request-schemas";
import * as deployRequests from "../api/deploy-requests";
import * as schema from "../api/schema";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { verifyDatabase } from "../preflight/preflight";
import { missingApproval } from "./approval";
import { refusal } from "./refusal";
import { ddlOf, droppingDdl } from "./report";
import { describe, type ResolvedDeployRequestInputs } from "./shared";
import { LIVE, REVERTED } from "./states";

/**
 * What `pulumi preview` shows and refuses of a deploy: the DDL it will run (a progress line), and,
 * for the branch's open deploy request (PlanetScale keeps one per branch; `check` sees inputs, not
 * the recorded number), the failures that stop the deploy before anything runs: operations that
 * can drop data without `allowDataLoss`, PlanetScale's lint errors, an approval the database
 * requires. A request not open yet shows its branch's diff (PlanetScale checks it once opened).
 */
export async function previewDeploy(
  ctx: ProviderContext,
  inputs: ResolvedDeployRequestInputs,
): Promise<pulumi.dynamic.CheckFailure[]> {
  const client = ctx.client();
  const request = await openRequestOf(ctx, inputs);
  if (request === undefined) {
    const diff = await schema
      .getBranchDiff(client, inputs.organization, inputs.database, inputs.branch)
      .catch(() => []);
    if (diff.length > 0) {
      const lines = diff.map((d) => d.raw).join("\n");
      ctx.log(`${describe(inputs)} will be opened and deployed; the branch's changes:\n${lines}`);
    }
    return [];
  }
  if (LIVE.has(request.deployment_state) || REVERTED.has(request.deployment_state)) return [];
  const what = describe({ ...inputs, intoBranch: request.into_branch }, request.number);
  const ddl = ddlOf(request);
  if (ddl.length > 0) ctx.log(`${what} will deploy:\n  ${ddl.join(";\n  ")}`);
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const dropping = droppingDdl(request);
  if (dropping.length > 0 && inputs.allowDataLoss !== true) {
    failures.push({
      property: "allowDataLoss",
      reason: `${what} would run operations that can drop data (${dropping.join("; ")}): set allowDataLoss: true if that is intended`,
    });
  }
  await verifyDatabase(client, inputs.organization, inputs.database);
  const reason =
    refusal(request, inputs.database) ??
    (await missingApproval(client, request, inputs.organization, inputs.database));
  if (reason !== undefined)
    failures.push({ property: "deploy", reason: `${what} cannot be deployed: ${reason}` });
  return failures;
}

/** The branch's open deploy request (the newest), if it has one. */
async function openRequestOf(
  ctx: ProviderContext,
  inputs: ResolvedDeployRequestInputs,
): Promise<DeployRequest | undefined> {
  for await (const open of deployRequests.listDeployRequests(
    ctx.client(),
    inputs.organization,
    inputs.database,
    {
      state: "open",
      branch: inputs.branch,
    },
  )) {
    return open;
  }
  return undefined;
}
