/**
 * The entry the dynamic-provider host loads by package name
 * (`pulumi-planetscale/internal/provider-runtime`) from the provider shell stored in state
 * (`provider-shell.ts`). Not public API.
 *
 * Its exports implement {@link ProviderRuntime}, a contract with state written by every earlier
 * version: a stack created with version N is refreshed and destroyed through version M's copy of
 * this module. Only add to it; never change a signature or remove a kind.
 *
 * @module pulumi-planetscale/internal/provider-runtime
 */
import type * as ApiToken from "../api-token/resource";
import type * as Branch from "../branch/resource";
import type * as Credential from "../credential";
import type * as Database from "../database/resource";
import type * as DeployRequest from "../deploy-request/resource";
import { showCausesInMessage } from "../error-message";
import { UnknownResourceKindError } from "../resource-errors";
import { watchEngine } from "./engine-watchdog";
import { showOnceUnderResource } from "./host-echo";
import type { ResourceImplementation } from "./resource-implementation";
import { contextFor } from "./resource-implementation";
import type { ProviderRuntime, ResourceKind } from "./runtime-contract";

/** See {@link ProviderRuntime.contractVersion}. */
export const contractVersion: ProviderRuntime["contractVersion"] = 1;

// Loaded by the host on its first call: from then on, the host stops when the engine is gone.
watchEngine();

/**
 * How to load each kind's implementation, on first use: a stack of branches never loads the token
 * or credential modules (every module loaded is time a no-change `preview` or `up` pays). A record
 * over {@link ResourceKind}, so a kind added to the contract fails the typecheck until it is here.
 */
const IMPLEMENTATIONS: Readonly<Record<ResourceKind, () => ResourceImplementation>> = {
  branch: () => (require("../branch/resource") as typeof Branch).branchResource,
  apiToken: () => (require("../api-token/resource") as typeof ApiToken).apiTokenResource,
  branchPassword: () => (require("../credential") as typeof Credential).branchPasswordResource,
  branchRole: () => (require("../credential") as typeof Credential).branchRoleResource,
  database: () => (require("../database/resource") as typeof Database).databaseResource,
  deployRequest: () => (require("../deploy-request/resource") as typeof DeployRequest).deployRequestResource,
};

/** The implementation of `kind`; a kind this version does not know (newer state) is refused. */
function implementation(kind: ResourceKind): ResourceImplementation {
  // Own keys only: a kind read from state must not reach `toString` or `__proto__`.
  const load = Object.hasOwn(IMPLEMENTATIONS, kind) ? IMPLEMENTATIONS[kind] : undefined;
  if (load === undefined) {
    throw new UnknownResourceKindError(
      `pulumi-planetscale: this version does not know resource kind '${String(kind)}'; upgrade the package`,
    );
  }
  return load();
}

/**
 * Runs one provider method; a failure reaches the host with its causes in its message, because
 * the host passes only `message` to the engine, and is shown once (see `host-echo.ts`).
 */
async function run<T>(method: () => Promise<T>): Promise<T> {
  try {
    return await method();
  } catch (error) {
    const shown = showCausesInMessage(error);
    showOnceUnderResource(shown);
    throw shown;
  }
}

/** Implements {@link ProviderRuntime.check} by the resource family of `kind`. */
export const check: ProviderRuntime["check"] = async (kind, config, olds, news) =>
  run(() => implementation(kind).check(contextFor(config), olds, news));

/** Implements {@link ProviderRuntime.diff} by the resource family of `kind`. */
export const diff: ProviderRuntime["diff"] = async (kind, config, id, olds, news) =>
  run(() => implementation(kind).diff(contextFor(config), id, olds, news));

/** Implements {@link ProviderRuntime.create} by the resource family of `kind`. */
export const create: ProviderRuntime["create"] = async (kind, config, inputs) =>
  run(() => implementation(kind).create(contextFor(config), inputs));

/** Implements {@link ProviderRuntime.read} by the resource family of `kind`. */
export const read: ProviderRuntime["read"] = async (kind, config, id, props) =>
  run(() => implementation(kind).read(contextFor(config), id, props));

/** Implements {@link ProviderRuntime.update} by the resource family of `kind`. */
export const update: ProviderRuntime["update"] = async (kind, config, id, olds, news) =>
  run(() => implementation(kind).update(contextFor(config), id, olds, news));

/** Implements {@link ProviderRuntime.remove} by the resource family of `kind`. */
export const remove: ProviderRuntime["remove"] = async (kind, config, id, props) =>
  run(() => implementation(kind).delete(contextFor(config), id, props));
