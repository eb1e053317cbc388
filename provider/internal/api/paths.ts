/**
 * One URL path segment from a caller-supplied name or id: percent-encoded, and never empty (an
 * empty segment would silently address the parent collection instead).
 */
export function segment(what: string, value: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`PlanetScale ${what} must be a non-empty string`);
  }
  return encodeURIComponent(value);
}

/** `/organizations/{org}`. */
export function organizationPath(organization: string): string {
  return `/organizations/${segment("organization", organization)}`;
}

/** `/organizations/{org}/databases`. */
export function databasesPath(organization: string): string {
  return `${organizationPath(organization)}/databases`;
}

/** `/organizations/{org}/databases/{db}`. */
export function databasePath(organization: string, database: string): string {
  return `${organizationPath(organization)}/databases/${segment("database", database)}`;
}

/** `/organizations/{org}/databases/{db}/branches`. */
export function branchesPath(organization: string, database: string): string {
  return `${databasePath(organization, database)}/branches`;
}

/** `/organizations/{org}/databases/{db}/branches/{branch}`; `branch` is a name or a public id. */
export function branchPath(organization: string, database: string, branch: string): string {
  return `${branchesPath(organization, database)}/${segment("branch", branch)}`;
}

/** `/organizations/{org}/service-tokens`. */
export function serviceTokensPath(organization: string): string {
  return `${organizationPath(organization)}/service-tokens`;
}

/** `/organizations/{org}/service-tokens/{id}`. */
export function serviceTokenPath(organization: string, id: string): string {
  return `${serviceTokensPath(organization)}/${segment("service token id", id)}`;
}

/** `/organizations/{org}/databases/{db}/branches/{branch}/passwords` (MySQL/Vitess credentials). */
export function passwordsPath(organization: string, database: string, branch: string): string {
  return `${branchPath(organization, database, branch)}/passwords`;
}

/** `/organizations/{org}/databases/{db}/branches/{branch}/passwords/{id}`. */
export function passwordPath(organization: string, database: string, branch: string, id: string): string {
  return `${passwordsPath(organization, database, branch)}/${segment("password id", id)}`;
}

/** `/organizations/{org}/databases/{db}/branches/{branch}/roles` (Postgres credentials). */
export function rolesPath(organization: string, database: string, branch: string): string {
  return `${branchPath(organization, database, branch)}/roles`;
}

/** `/organizations/{org}/databases/{db}/branches/{branch}/roles/{id}`. */
export function rolePath(organization: string, database: string, branch: string, id: string): string {
  return `${rolesPath(organization, database, branch)}/${segment("role id", id)}`;
}

/** `/organizations/{org}/databases/{db}/deploy-requests`. */
export function deployRequestsPath(organization: string, database: string): string {
  return `${databasePath(organization, database)}/deploy-requests`;
}

/** `/organizations/{org}/databases/{db}/deploy-requests/{number}`. */
export function deployRequestPath(organization: string, database: string, number: number): string {
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new TypeError("PlanetScale deploy request number must be a positive integer");
  }
  return `${deployRequestsPath(organization, database)}/${number}`;
}
