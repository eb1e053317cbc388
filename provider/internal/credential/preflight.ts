import type * as pulumi from "@pulumi/pulumi";
import * as branches from "../api/branches";
import { NotFoundError, PermissionDeniedError, UnauthorizedError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { isUnknown } from "../inputs/unknown";
import { declaredDatabase } from "../preflight/declared";
import { branchNotFound } from "./branch-ref";
import type { CredentialFlavor } from "./flavor";
import { wrongKind } from "./kind-check";

type Props = Record<string, unknown>;

function known(value: unknown): value is string {
  return typeof value === "string" && !isUnknown(value);
}

/**
 * What `check` asks PlanetScale about valid inputs, so that a preview fails where the update would:
 * the database exists and is of the flavor's kind (one `GET` of the database, cached per database
 * for the run), and the branch exists in it (one `GET` of the branch, when it is known, as a Branch
 * the same update creates is not yet, and new: a credential that exists proves its branch did, and
 * refresh reads both). A database the credential cannot see, or a credential
 * PlanetScale refuses, throws with the fix, as for every resource; a database of the other kind, or
 * a branch that is not there (missing, or of another database), is a failure of `database` or
 * `branch`. Without credentials, or when PlanetScale cannot be reached, create checks again.
 */
export async function preflight(
  flavor: CredentialFlavor,
  ctx: ProviderContext,
  olds: Props,
  inputs: Props,
): Promise<pulumi.dynamic.CheckFailure[]> {
  const { organization, database, branch } = inputs;
  if (!known(organization) || !known(database)) return [];
  let reason: string | undefined;
  try {
    reason = await wrongKind(flavor, ctx, organization, database);
  } catch (error) {
    if (error instanceof PermissionDeniedError || error instanceof UnauthorizedError) throw error;
    return [];
  }
  if (reason !== undefined) return [{ property: "database", reason }];
  if (!known(branch) || branch === olds["branch"]) return [];
  // A database a Database resource of this run declares may not exist before `up` creates it, and
  // its default branch with it: the branch is checked at create instead.
  if (declaredDatabase(organization, database) !== undefined) return [];
  try {
    await branches.getBranch(ctx.client(), organization, database, branch);
  } catch (error) {
    if (error instanceof NotFoundError) {
      return [{ property: "branch", reason: branchNotFound(organization, database, branch) }];
    }
  }
  return [];
}
