import * as roles from "../api/roles";
import type { PlanetScaleClient } from "../client/client";
import { UnprocessableEntityError } from "../client/errors";
import { stringOr } from "../inputs/props";
import { quoted } from "../inputs/text";
import { RoleDropRefusedError } from "../resource-errors";

/**
 * The role that takes over what a deleted role owns when the program names none: the branch's
 * default role, which pscale's `role delete --successor` help ("Usually 'postgres'"), alchemy's
 * `PostgresRole` and SST default to.
 */
export const DEFAULT_SUCCESSOR = "postgres";

/** The `pscale` command that deletes a role, its objects going to `successor`. */
export function roleDeleteCommand(
  organization: string,
  database: string,
  branch: string,
  id: string,
  successor = DEFAULT_SUCCESSOR,
): string {
  return `pscale role delete ${database} ${branch} ${id} --successor ${successor} --org ${organization} --force`;
}

/**
 * Deletes a role the way `recorded` (its state) asks: its objects reassigned to `reassignTo` first
 * when set (`POST …/reassign`), then dropped with `successor` (default `postgres`) taking what is
 * left, so a role whose connections created tables is deleted rather than refused with 422 "Role
 * is still referenced and cannot be dropped." If PlanetScale still refuses, the error names the
 * role, the successor and the commands that resolve it.
 */
export async function destroyRole(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branchId: string,
  id: string,
  recorded: Record<string, unknown>,
): Promise<void> {
  const successor = stringOr(recorded["successor"]) ?? DEFAULT_SUCCESSOR;
  const reassignTo = stringOr(recorded["reassignTo"]);
  try {
    if (reassignTo !== undefined) {
      await roles.reassignRoleObjects(client, organization, database, branchId, id, reassignTo);
    }
    await roles.deleteRole(client, organization, database, branchId, id, successor);
  } catch (error) {
    if (!(error instanceof UnprocessableEntityError)) throw error;
    const branch = stringOr(recorded["branchName"]) ?? branchId;
    const name = stringOr(recorded["name"]);
    const username = stringOr(recorded["username"]);
    const role = `role ${name === undefined ? id : `${quoted(name)} (id ${id}${username ? `, user ${username}` : ""})`}`;
    const to = reassignTo ?? successor;
    const reassign = `pscale role reassign ${database} ${branch} ${id} --successor ${to} --org ${organization} --force`;
    const remove = roleDeleteCommand(organization, database, branch, id, successor);
    const fallback =
      to === DEFAULT_SUCCESSOR
        ? ""
        : ` (with \`--successor ${DEFAULT_SUCCESSOR}\`, the branch's default role, if ${quoted(to)} is not one)`;
    throw new RoleDropRefusedError(
      `PlanetScale refused to delete ${role} of branch ${branch} in ${organization}/${database} with successor ` +
        `${quoted(successor)}${reassignTo === undefined ? "" : ` after reassigning its objects to ${quoted(reassignTo)}`}: ` +
        `the role still owns objects, or ${quoted(to)} is not a role of the branch. Pulumi keeps the role in its state. ` +
        `Give its objects to a role of the branch and delete it: \`${reassign}\`, then \`${remove}\`${fallback}; ` +
        "then run `pulumi destroy` again. Or set `successor` in the program to a role of the branch, run `pulumi up`, " +
        "and destroy again.",
      { cause: error },
    );
  }
}
