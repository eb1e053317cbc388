import * as pulumi from "@pulumi/pulumi";
import { defaultOrganization } from "../client/settings";
import { programError } from "../dynamic/program-error";

/**
 * Remote names claimed by the resources of one program run: two resources of one stack that
 * manage the same PlanetScale object would each believe they own it, and destroying either would
 * delete it under the other. The provider's `check` never sees resource identities, so the program
 * itself refuses such a pair before anything is registered.
 *
 * Keyed by the run's stack resource: inline programs (Automation API) run many times in one
 * process, and each run starts afresh.
 */
const registries = new WeakMap<object, Map<string, string>>();
const withoutStack = new Map<string, string>();

function registry(): Map<string, string> {
  const stack = pulumi.runtime.getStackResource();
  if (!stack) return withoutStack;
  let map = registries.get(stack);
  if (!map) {
    map = new Map();
    registries.set(stack, map);
  }
  return map;
}

/** The organization `check` will fill in when the program leaves it out. */
function programOrganization(): string | undefined {
  return defaultOrganization({ get: (key) => pulumi.runtime.getConfig(key) }, process.env);
}

/**
 * The resource's `name` input, refused once it is known if another resource of this run already
 * manages the same remote object. The refusal rejects the input, so the second resource is never
 * registered: nothing is created for it, with or without a preview. An auto-generated name (`name`
 * left out) is unique by construction and not checked.
 * @param label how the message names this resource, e.g. `Branch "staging"`.
 * @param scope where the name is unique: the organization (undefined: the configured default), then
 *   e.g. the database.
 * @param describe the registry key and the words naming the remote object in the message.
 * @param fix what the message tells the user to do.
 */
export function uniqueRemoteName(
  label: string,
  name: pulumi.Input<string> | undefined,
  scope: [pulumi.Input<string> | undefined, ...pulumi.Input<string>[]],
  describe: (name: string, organization: string, rest: string[]) => { key: string; what: string },
  fix = "give each its own `name`",
): pulumi.Output<string> | undefined {
  if (name === undefined) return undefined;
  const [organization, ...rest] = scope;
  return pulumi
    .all([pulumi.output(name), pulumi.output(organization), pulumi.all(rest)])
    .apply(([value, org, others]) => {
      const remote = describe(value, org ?? programOrganization() ?? "", others);
      const claims = registry();
      const other = claims.get(remote.key);
      if (other === undefined || other === label) {
        claims.set(remote.key, label);
        return value;
      }
      throw programError(
        `${label} and ${other} both manage ${remote.what}. Two resources of one stack cannot manage one ` +
          `PlanetScale object (destroying either would delete it under the other): ${fix}.`,
      );
    });
}
