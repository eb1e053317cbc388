import { parseArgs } from "node:util";
import * as deployRequests from "../../internal/api/deploy-requests";
import { closeAllClients, getClient } from "../../internal/client/registry";
import { resolveSettings } from "../../internal/client/settings";
import { messageWithCauses } from "../../internal/error-message";

/** Help text of `pulumi-planetscale deploy-request`. */
export const DEPLOY_REQUEST_USAGE = `Usage: pulumi-planetscale deploy-request revert|skip-revert DATABASE NUMBER [--organization ORG]

What a DeployRequest resource never does by itself, on purpose:
  revert        undo a deployed deploy request while its revert window is open: production's
                tables go back to what they were (data written meanwhile is kept, as PlanetScale
                reverts). The stack's DeployRequest then reports it reverted and stays so.
  skip-revert   close the revert window now: the change is final, and the database's deploy queue
                (which a deployment in its revert window holds) moves on.

Flags:
  --organization ORG   organization (default: PLANETSCALE_ORG)
  --help               show this help

Credentials and API URL come from the environment: PLANETSCALE_SERVICE_TOKEN_ID and
PLANETSCALE_SERVICE_TOKEN (or PLANETSCALE_ACCESS_TOKEN), PLANETSCALE_API_URL.
The last line of stdout is a summary: deploy-request: action=revert number=N deployment_state=…
Exit codes: 0 done, 1 PlanetScale refused or an API call failed, 2 bad usage.
`;

const ACTIONS = { revert: "revert", "skip-revert": "skip-revert" } as const;

const OPTIONS = { organization: { type: "string" }, help: { type: "boolean" } } as const;

/** Runs `pulumi-planetscale deploy-request …`; resolves with the exit code. */
export async function runDeployRequest(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let values: { organization?: string | undefined; help?: boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    err(`pulumi-planetscale deploy-request: ${(error as Error).message}\n\n${DEPLOY_REQUEST_USAGE}`);
    return 2;
  }
  if (values.help) {
    out(DEPLOY_REQUEST_USAGE);
    return 0;
  }
  const [action, database, numberText, ...extra] = positionals;
  const usage = (problem: string) => {
    err(`pulumi-planetscale deploy-request: ${problem}\n\n${DEPLOY_REQUEST_USAGE}`);
    return 2;
  };
  if (action === undefined || !Object.hasOwn(ACTIONS, action)) {
    return usage(
      `the action must be revert or skip-revert, got ${action === undefined ? "none" : `"${action}"`}`,
    );
  }
  if (database === undefined || numberText === undefined || extra.length > 0) {
    return usage("give the database and the deploy request's number, e.g. `revert app 12`");
  }
  const number = /^[1-9][0-9]*$/.test(numberText) ? Number(numberText) : Number.NaN;
  if (!Number.isSafeInteger(number))
    return usage(`the deploy request number must be a positive integer, got "${numberText}"`);
  const organization = values.organization ?? env["PLANETSCALE_ORG"];
  if (!organization) return usage("no organization: pass --organization or set PLANETSCALE_ORG");
  const verb = ACTIONS[action as keyof typeof ACTIONS];
  try {
    const client = getClient(resolveSettings(undefined, env));
    const request = await deployRequests.deployAction(client, organization, database, number, verb);
    out(
      verb === "revert"
        ? `deploy request #${number} of ${organization}/${database}: revert started (${request.deployment_state}); production's schema goes back to what it was before it`
        : `deploy request #${number} of ${organization}/${database}: revert window skipped (${request.deployment_state}); the change is final`,
    );
    out(`deploy-request: action=${verb} number=${number} deployment_state=${request.deployment_state}`);
    return 0;
  } catch (error) {
    err(`pulumi-planetscale deploy-request ${verb}: ${messageWithCauses(error)}`);
    out(`deploy-request: action=${verb} number=${number} error`);
    return 1;
  } finally {
    await closeAllClients();
  }
}
