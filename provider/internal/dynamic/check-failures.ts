import type * as pulumi from "@pulumi/pulumi";
import type * as z from "zod";

/**
 * Turns zod issues into Pulumi check failures: one clear reason per input property. The property
 * is the top-level input (`permissions`, not `permissions.0`): that is what the user wrote, and the
 * reason says which entry is wrong.
 */
export function checkFailures(error: z.ZodError): pulumi.dynamic.CheckFailure[] {
  const seen = new Set<string>();
  const failures: pulumi.dynamic.CheckFailure[] = [];
  for (const issue of error.issues) {
    const property = issue.path.length > 0 ? String(issue.path[0]) : topLevelProperty(issue);
    if (seen.has(property)) continue;
    seen.add(property);
    failures.push({ property, reason: issue.message });
  }
  return failures;
}

function topLevelProperty(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return issue.keys.join(", ");
  return "(resource)";
}
