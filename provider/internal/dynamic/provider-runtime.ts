/**
 * The entry the dynamic-provider host loads by package name
 * (`pulumi-planetscale/internal/provider-runtime`) from {@link ProviderShell}. Not public API.
 *
 * Its exported functions are a contract with state written by every earlier version: a stack
 * created with version N is refreshed and destroyed through version M's copy of this module. Only
 * add to it; never change a signature or remove a kind.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as ApiToken from "../api-token/resource";
import type * as Branch from "../branch/resource";
import type * as Credential from "../credential";
import { UnknownResourceKindError } from "../resource-errors";
import { watchEngine } from "./engine-watchdog";
import type { ResourceKind } from "./provider-shell";
import type { ResourceImplementation } from "./resource-implementation";
import { contextFor } from "./resource-implementation";

/** Version of this contract, for diagnostics. */
export const contractVersion = 1;

type Props = Record<string, unknown>;
type Config = pulumi.dynamic.Config | undefined;

// Loaded by the host on its first call: from then on, the host stops when the engine is gone.
watchEngine();

/**
 * The implementation of `kind`, loaded on first use: a stack of branches never loads the token or
 * credential modules (every module loaded is time a no-change `preview` or `up` pays).
 */
function implementation(kind: ResourceKind): ResourceImplementation {
  switch (kind) {
    case "branch":
      return (require("../branch/resource") as typeof Branch).branchResource;
    case "apiToken":
      return (require("../api-token/resource") as typeof ApiToken).apiTokenResource;
    case "branchPassword":
      return (require("../credential") as typeof Credential).branchPasswordResource;
    case "branchRole":
      return (require("../credential") as typeof Credential).branchRoleResource;
    default:
      throw new UnknownResourceKindError(
        `pulumi-planetscale: this version does not know resource kind '${String(kind)}'; upgrade the package`,
      );
  }
}

export async function check(kind: ResourceKind, config: Config, olds: Props, news: Props) {
  return implementation(kind).check(contextFor(config), olds, news);
}

export async function diff(kind: ResourceKind, config: Config, id: string, olds: Props, news: Props) {
  return implementation(kind).diff(contextFor(config), id, olds, news);
}

export async function create(kind: ResourceKind, config: Config, inputs: Props) {
  return implementation(kind).create(contextFor(config), inputs);
}

export async function read(kind: ResourceKind, config: Config, id: string, props: Props) {
  return implementation(kind).read(contextFor(config), id, props);
}

export async function update(kind: ResourceKind, config: Config, id: string, olds: Props, news: Props) {
  return implementation(kind).update(contextFor(config), id, olds, news);
}

export async function remove(kind: ResourceKind, config: Config, id: string, props: Props) {
  return implementation(kind).delete(contextFor(config), id, props);
}
