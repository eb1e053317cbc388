import type * as pulumi from "@pulumi/pulumi";
import * as branches from "../api/branches";
import type { Branch as ApiBranch } from "../api/schemas";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { readyTimeoutMs } from "./inputs";
import { toOutputs } from "./outputs";
import { settle } from "./settle";
import { resolved } from "./shared";

type Props = Record<string, unknown>;

/** Renames the branch in place (it is addressed by its id), then settles what else changed. */
export async function update(
  ctx: ProviderContext,
  id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = resolved(news);
  const client = ctx.client();
  const { organization, database } = inputs;
  let branch: ApiBranch;
  if (inputs.name !== olds["name"]) {
    branch = await branches.updateBranch(client, organization, database, id, { new_name: inputs.name });
  } else {
    branch = await branches.getBranch(client, organization, database, id);
  }
  // Also resumes a create that timed out waiting for readiness.
  branch = await settle(ctx, inputs, branch, Date.now() + readyTimeoutMs(inputs));
  return { outs: toOutputs(branch, inputs) };
}
