import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";

/**
 * For `check`: fills `organization` from `planetscale:organization` / `PLANETSCALE_ORG` when the
 * program left it out, so it is stored with the resource's inputs. Returns the failure to report
 * when there is no organization anywhere.
 */
export function fillOrganization(
  ctx: ProviderContext,
  inputs: Record<string, unknown>,
): pulumi.dynamic.CheckFailure[] {
  if (inputs["organization"] !== undefined) return [];
  const organization = ctx.defaultOrganization();
  if (organization === undefined) {
    return [
      {
        property: "organization",
        reason:
          "no organization: pass `organization`, or set a default with `pulumi config set planetscale:organization <org>` (or PLANETSCALE_ORG)",
      },
    ];
  }
  inputs["organization"] = organization;
  return [];
}
