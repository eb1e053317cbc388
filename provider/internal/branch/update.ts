import type * as pulumi from "@pulumi/pulumi";
import * as branches from "../api/branches";
import type { Branch as ApiBranch } from "../api/schemas";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { inPlaceChange } from "../inputs/property-api";
import { readyTimeoutMs } from "../inputs/ready-timeout";
import { toOutputs } from "./outputs";
import { BRANCH_PROPERTIES } from "./properties";
import { settle } from "./settle";
import { resolved } from "./shared";

type Props = Record<string, unknown>;

/**
 * Renames the branch in place (it is addressed by its id), then settles what else changed: each
 * in-place input by the call {@link BRANCH_PROPERTIES} names for it.
 */
export async function update(
  ctx: ProviderContext,
  id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = resolved(news);
  const client = ctx.client();
  const { organization, database } = inputs;
  // Compared with the recorded name: the branch is addressed by its id, whatever it is called now.
  const rename = inPlaceChange(BRANCH_PROPERTIES, "rename", inputs, olds);
  let branch: ApiBranch =
    rename === undefined
      ? await branches.getBranch(client, organization, database, id)
      : await branches.updateBranch(client, organization, database, id, rename.body);
  // Also resumes a create that timed out waiting for readiness.
  branch = await settle(ctx, inputs, branch, Date.now() + readyTimeoutMs(inputs), {
    parameters: olds["parameters"] ?? {},
  });
  return { outs: toOutputs(branch, inputs) };
}
