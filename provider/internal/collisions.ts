import * as pulumi from "@pulumi/pulumi";

/**
 * Remote names claimed by the resources of one program run: two resources of one stack that
 * manage the same PlanetScale object would each believe they own it, and destroying either would
 * delete it under the other. The provider's `check` never sees resource identities, so the program
 * itself refuses such a pair, at preview, before anything is created.
 *
 * Keyed by the run's stack resource: inline programs (Automation API) run many times in one
 * process, and each run starts afresh.
 */
const registries = new WeakMap<object, Map<string, { resource: pulumi.Resource; label: string }>>();
const withoutStack = new Map<string, { resource: pulumi.Resource; label: string }>();

function registry(): Map<string, { resource: pulumi.Resource; label: string }> {
  const stack = pulumi.runtime.getStackResource();
  if (!stack) return withoutStack;
  let map = registries.get(stack);
  if (!map) {
    map = new Map();
    registries.set(stack, map);
  }
  return map;
}

/**
 * Refuses, when `remote` resolves, a second resource of this run that manages the same remote
 * object. `remote` is the object's identity (e.g. `branch acme/app/pr-1`) or undefined while it is
 * unknown (a name computed from another resource's output at preview): those are checked at `up`.
 * @param label how the message names this resource, e.g. `Branch "staging"`.
 * @param what how the message names the remote object's kind and key, e.g. `branch 'pr-1' of acme/app`.
 */
export function refuseSameRemoteName(
  resource: pulumi.Resource,
  label: string,
  identity: pulumi.Output<{ key: string; what: string } | undefined>,
): void {
  identity.apply((remote) => {
    if (remote === undefined) return;
    const claims = registry();
    const other = claims.get(remote.key);
    if (other === undefined) {
      claims.set(remote.key, { resource, label });
      return;
    }
    if (other.resource === resource) return;
    throw new pulumi.ResourceError(
      `${label} and ${other.label} both manage ${remote.what}. Two resources of one stack cannot manage one ` +
        "PlanetScale object (destroying either would delete it under the other): give each its own `name`.",
      resource,
      true,
    );
  });
}
