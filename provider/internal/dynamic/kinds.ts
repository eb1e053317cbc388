import type { ResourceKind } from "./runtime-contract";

/** What the package knows of one resource kind, wherever a kind is looked up. */
export interface KindInfo {
  /** The resource class's name, which ends its Pulumi type token. */
  readonly className: string;
  /** Its provider module under the package's `internal/providers/` export (see `providers/`). */
  readonly providerModule: string;
}

/**
 * Every resource kind, once. Typed by {@link ResourceKind}, so a kind added to the runtime
 * contract fails the typecheck here (and in every `Record<ResourceKind, …>` built from it: the
 * runtime, `recover`, `sweep`) until it is described.
 */
export const RESOURCE_KINDS: Readonly<Record<ResourceKind, KindInfo>> = {
  branch: { className: "Branch", providerModule: "branch" },
  apiToken: { className: "ApiToken", providerModule: "api-token" },
  branchPassword: { className: "BranchPassword", providerModule: "branch-password" },
  branchRole: { className: "BranchRole", providerModule: "branch-role" },
  database: { className: "Database", providerModule: "database" },
  deployRequest: { className: "DeployRequest", providerModule: "deploy-request" },
};

/** The Pulumi type token of a kind's resources: `pulumi-nodejs:dynamic/planetscale:<class>`. */
export function typeToken(kind: ResourceKind): string {
  return `pulumi-nodejs:dynamic/planetscale:${RESOURCE_KINDS[kind].className}`;
}

/** The kind of a resource of this package by its type token; undefined for any other resource. */
export function kindOfType(type: string): ResourceKind | undefined {
  return (Object.keys(RESOURCE_KINDS) as ResourceKind[]).find((kind) => typeToken(kind) === type);
}
