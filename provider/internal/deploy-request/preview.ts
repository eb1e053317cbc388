import type * as pulumi from "@pulumi/pulumi";
import * as deployRequests from "../api/deploy-requests";
import * as schema from "../api/schema";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { verifyDatabase } from "../preflight/preflight";
import { recordedNumber } from "./outputs";
import { approvalMissing, refusal } from "./refusal";
import { ddlOf, droppingDdl } from "./report";
import { describe, type ResolvedDeployRequestInputs } from "./shared";
import { LIVE } from "./states";

type Props = Record<string, unknown>;

/**
 * What `pulumi preview` shows and refuses of a deploy: the DDL it will run (a progress line), and,
 * for a request open already, the failures that stop the deploy before anything runs: operations
 * that can drop data without `allowDataLoss`, PlanetScale's lint errors, an approval the database
 * requires. A request not open yet shows its branch's diff (PlanetScale checks it once opened).
 */
export async function previewDeploy(
  ctx: ProviderContext,
  inputs: ResolvedDeployRequestInputs,
  olds: Props,
): Promise<pulumi.dynamic.CheckFailure[]> {
  const client = ctx.client();
  const number = recordedNumber(olds);
  if (number === undefined) {
    const diff = await schema
      .getBranchDiff(client, inputs.organization, inputs.database, inputs.branch)
      .catch(() => []);
    if (diff.length > 0) {
      ctx.log(
        `${describe(inputs)} will be opened and deployed; the branch's changes:\n${diff.map((d) => d.raw).join("\n")}`,
      );
    }
    return [];
  }
  if (LIVE.has(String(olds["deploymentState"]))) return [];
  const request = await deployRequests.getDeployRequest(client, inputs.organization, inputs.database, number);
  const what = describe({ ...inputs, intoBranch: request.into_branch }, number);
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
  const database = await verifyDatabase(client, inputs.organization, inputs.database);
  const reason =
    refusal(request, inputs.database) ??
    approvalMissing(request, database.require_approval_for_deploy === true, inputs.database);
  if (reason !== undefined)
    failures.push({ property: "deploy", reason: `${what} cannot be deployed: ${reason}` });
  return failures;
}
