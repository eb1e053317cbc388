import type * as pulumi from "@pulumi/pulumi";
import * as branches from "../api/branches";
import { NotFoundError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { isUnknown } from "../inputs/unknown";

/**
 * The failure when the branch deployed into has safe migrations off: "Before you can create a
 * deploy request, the branch you are merging into must have safe migrations enabled"
 * (PlanetScale's deploy-request docs). The target is `intoBranch`, else the branch's parent; when
 * the branch does not exist yet (made in the same run), its parent is not known and nothing is
 * checked here (PlanetScale's own answer at create says it then).
 */
export async function intoFailures(
  ctx: ProviderContext,
  inputs: Record<string, unknown>,
): Promise<pulumi.dynamic.CheckFailure[]> {
  const { organization, database, branch, intoBranch } = inputs;
  const known = (v: unknown): v is string => typeof v === "string" && !isUnknown(v);
  if (!known(organization) || !known(database)) return [];
  const client = ctx.client();
  const find = (name: string) =>
    branches.getBranch(client, organization, database, name).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
  let target: string | undefined = known(intoBranch) ? intoBranch : undefined;
  if (target === undefined && intoBranch === undefined && known(branch)) {
    target = (await find(branch))?.parent_branch ?? undefined;
  }
  if (target === undefined) return [];
  const into = await find(target);
  if (into === undefined) {
    return [
      { property: "intoBranch", reason: `branch '${target}' does not exist in ${organization}/${database}` },
    ];
  }
  if (into.safe_migrations === true) return [];
  return [
    {
      property: "intoBranch",
      reason:
        `branch '${into.name}' of ${organization}/${database} has safe migrations off, and PlanetScale opens deploy requests only into a branch with them on: ` +
        `enable them (\`safeMigrations: true\` on its Branch, or \`pscale branch safe-migrations enable ${database} ${into.name}\`)`,
    },
  ];
}
