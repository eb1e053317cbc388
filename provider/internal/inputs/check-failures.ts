import type * as pulumi from "@pulumi/pulumi";
import type * as z from "zod";
import { closestName } from "./closest-name";

/** What a failure that belongs to no single input is reported under. */
const WHOLE_RESOURCE = "(resource)";

/**
 * Turns zod issues into Pulumi check failures: every problem once, under the top-level input the
 * program wrote (`permissions`, not `permissions.0`: the reason says which entry). A key that is no
 * input of the resource is reported on its own, with the closest input's name when one is close
 * (`parentBrnch`: did you mean `parentBranch`?): a JavaScript program has no typechecker to say so.
 * @param inputs the resource's input names, for those suggestions.
 */
export function checkFailures(
  error: z.ZodError,
  inputs: readonly string[] = [],
): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const add = (property: string, reason: string) => {
    if (!failures.some((f) => f.property === property && f.reason === reason))
      failures.push({ property, reason });
  };
  for (const issue of error.issues) {
    // A key inside an input (a namespace of `parameters`) is that input's problem, in its words.
    if (issue.code === "unrecognized_keys" && issue.path.length === 0) {
      for (const key of issue.keys) add(key, unrecognized(key, inputs));
    } else {
      add(issue.path.length > 0 ? String(issue.path[0]) : WHOLE_RESOURCE, issue.message);
    }
  }
  return failures;
}

/** The properties a failure names, for skipping them in rules that need valid values. */
export function failedProperties(failures: readonly pulumi.dynamic.CheckFailure[]): string[] {
  return failures.map((f) => f.property).filter((p) => p !== WHOLE_RESOURCE);
}

function unrecognized(key: string, inputs: readonly string[]): string {
  const close = closestName(key, inputs);
  if (close !== undefined) return `Unrecognized key "${key}": did you mean "${close}"?`;
  return inputs.length > 0
    ? `Unrecognized key "${key}": not an input of this resource (its inputs: ${inputs.join(", ")})`
    : `Unrecognized key "${key}"`;
}
