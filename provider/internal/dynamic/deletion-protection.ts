import * as pulumi from "@pulumi/pulumi";

/**
 * The resource options of a resource whose program asked for deletion protection: with
 * `deletionProtected: true` (a plain boolean), Pulumi's own `protect` too, so that `pulumi destroy`,
 * or a replacement, fails before anything of the stack is deleted, as Pulumi does for every
 * protected resource. PlanetScale's refusal alone would come only once the engine reaches this
 * resource, after deleting what depends on it. An explicit `protect` in the options wins. A
 * `deletionProtected` known only later (an output) cannot set `protect`, which the engine needs at
 * registration: the program logs a warning saying so.
 */
export function withDeletionProtection<O extends pulumi.CustomResourceOptions>(
  deletionProtected: pulumi.Input<boolean> | undefined,
  opts: O | undefined,
  what: string,
): O {
  if (opts?.protect !== undefined) return { ...opts } as O;
  if (deletionProtected === true) return { ...opts, protect: true } as O;
  if (deletionProtected !== undefined && typeof deletionProtected !== "boolean") {
    pulumi.output(deletionProtected).apply((value) => {
      if (value === true) {
        pulumi.log.warn(
          `${what}: deletionProtected is not a plain \`true\` in the program, so Pulumi's \`protect\` cannot follow it and \`pulumi destroy\` will delete what depends on it before PlanetScale refuses. Pass \`deletionProtected: true\`, or set the \`protect: true\` resource option.`,
        );
      }
    });
  }
  return { ...opts } as O;
}
