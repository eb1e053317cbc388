import type { PlanetScaleClient } from "../client/client";
import { ForbiddenError, NotFoundError, PermissionDeniedError, UnauthorizedError } from "../client/errors";
import { branchesPath, organizationPath } from "./paths";

/**
 * After a 404 from PlanetScale (which also answers 404 when the credential may not see the
 * thing): resolves if the credential can still read the organization, so the thing really is
 * gone; otherwise throws a {@link PermissionDeniedError} explaining that the 404 may be a missing
 * access. Other failures of the check (5xx, connection) are thrown as they are.
 */
export async function confirmGone(
  client: PlanetScaleClient,
  organization: string,
  notFound: NotFoundError,
): Promise<void> {
  const orgPath = organizationPath(organization);
  try {
    await client.request({ method: "GET", path: orgPath });
    return;
  } catch (err) {
    if (
      !(err instanceof NotFoundError || err instanceof UnauthorizedError || err instanceof ForbiddenError)
    ) {
      throw err;
    }
    const check = `GET ${orgPath} → ${err.status ?? "?"}${err.apiCode ? ` ${err.apiCode}` : ""}`;
    throw new PermissionDeniedError(
      `${notFound.method} ${notFound.path} → 404, and this credential cannot read organization "${organization}" either (${check}). ` +
        "PlanetScale answers 404 both for things that do not exist and for things the credential may not access, so it is " +
        `not safe to treat this as deleted. Check that the service token is valid and has access to organization "${organization}" ` +
        "(e.g. read_organization and the database accesses this resource needs), and that planetscale:organization is right.",
      {
        method: notFound.method,
        path: notFound.path,
        status: notFound.status,
        apiCode: notFound.apiCode,
        apiMessage: notFound.apiMessage,
        retries: notFound.retries,
        requestId: notFound.requestId,
        organization,
        cause: err,
      },
    );
  }
}

/**
 * {@link confirmGone} for a branch: it is only safe to treat the branch as gone when the same
 * credential can list the database's branches; otherwise throws a {@link PermissionDeniedError}
 * (the credential lacks access to the database, or the database was deleted) so that Pulumi keeps
 * the branch and says why.
 */
export async function confirmBranchGone(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  notFound: NotFoundError,
): Promise<void> {
  try {
    await client.request({
      method: "GET",
      path: branchesPath(organization, database),
      query: { per_page: 1 },
    });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    // Tells an invalid credential (401) apart from one that lacks access.
    await confirmGone(client, organization, notFound);
    throw new PermissionDeniedError(
      `PlanetScale answered 404 for ${notFound.method} ${notFound.path}, and this credential cannot list the branches of ` +
        `${organization}/${database} either: it may lack access to the database (e.g. read_branch), or the database was deleted. ` +
        "Pulumi keeps the branch in its state rather than forgetting it. Check the credential's access to the database, " +
        "or remove the branch from the stack with `pulumi state delete <urn>` if the database is really gone.",
      { method: notFound.method, path: notFound.path, status: 404, organization, cause: error },
    );
  }
}
