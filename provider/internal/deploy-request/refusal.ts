import type { DeployRequest } from "../api/deploy-request-schemas";
import { lintErrorsOf } from "./report";
import { ENDED_UNDEPLOYED, NOT_DEPLOYED } from "./states";

/**
 * Why PlanetScale reports a checked deploy request not deployable, with the next step; undefined
 * when it reports it deployable (or it is past that point). `database` names it in commands.
 */
export function refusal(request: DeployRequest, database: string): string | undefined {
  if (request.state === "closed" && request.deployed_at == null) {
    return "it was closed outside Pulumi. Run `pulumi refresh`, then `pulumi up` opens a new one.";
  }
  const undeployed =
    NOT_DEPLOYED.has(request.deployment_state) || ENDED_UNDEPLOYED.has(request.deployment_state);
  if (!undeployed || request.deployment_state === "no_changes" || request.deployment_state === "pending") {
    return undefined;
  }
  const lint = lintErrorsOf(request);
  if (lint.length > 0) {
    return `PlanetScale's lint found ${lint.length === 1 ? "an error" : `${lint.length} errors`}: ${lint.join("; ")}. Fix the branch's schema (\`pscale branch lint ${database} ${request.branch}\` lists them), then run \`pulumi up\` again.`;
  }
  if (request.deployment?.deployable === false && request.deployment_state === "ready") {
    const checks = request.deployment?.deploy_check_errors;
    return `PlanetScale reports it not deployable${checks ? `: ${checks}` : ""}. See ${request.html_url ?? "its page in the PlanetScale app"}, fix the branch, then run \`pulumi up\` again.`;
  }
  return undefined;
}

/** Why it cannot be deployed for lack of an approval the database requires; undefined otherwise. */
export function approvalMissing(
  request: DeployRequest,
  requiresApproval: boolean,
  database: string,
): string | undefined {
  if (!requiresApproval || request.approved === true) return undefined;
  return (
    `database ${database} requires an approving review before a deploy, and #${request.number} has none. ` +
    `Have someone else approve it (${request.html_url ?? "in the PlanetScale app"}, or \`pscale deploy-request review ${database} ${request.number} --approve\`), then run \`pulumi up\` again.`
  );
}
