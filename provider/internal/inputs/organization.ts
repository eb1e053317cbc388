import type * as pulumi from "@pulumi/pulumi";

/**
 * Where the configured default organization comes from: the provider context, whose
 * `defaultOrganization` reads `planetscale:organization`, or `PLANETSCALE_ORG`. Named here, not
 * imported from `dynamic/`, so that the input kit depends on nothing of the provider glue.
 */
export interface OrganizationSource {
  /** `planetscale:organization`, or `PLANETSCALE_ORG`, when set. */
  defaultOrganization(): string | undefined;
}

/** What to do when no organization is given or configured: the same words everywhere. */
export const NO_ORGANIZATION =
  "no organization: pass `organization`, or set a default with `pulumi config set planetscale:organization <org>` (or PLANETSCALE_ORG)";

/**
 * For `check`: fills `organization` from `planetscale:organization` / `PLANETSCALE_ORG` when the
 * program left it out, so it is stored with the resource's inputs. Returns the failure to report
 * when there is no organization anywhere.
 */
export function fillOrganization(
  ctx: OrganizationSource,
  inputs: Record<string, unknown>,
): pulumi.dynamic.CheckFailure[] {
  if (inputs["organization"] !== undefined) return [];
  const organization = ctx.defaultOrganization();
  if (organization === undefined) {
    return [
      {
        property: "organization",
        reason: NO_ORGANIZATION,
      },
    ];
  }
  inputs["organization"] = organization;
  return [];
}

/**
 * For `read` and `delete`: the organization recorded with the resource, else the configured
 * default (a read by id may pass no inputs).
 */
export function recordedOrganization(
  ctx: OrganizationSource,
  props: Record<string, unknown>,
): string | undefined {
  const recorded = props["organization"];
  return typeof recorded === "string" && recorded !== "" ? recorded : ctx.defaultOrganization();
}
