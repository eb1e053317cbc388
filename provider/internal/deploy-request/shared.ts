import { userInputs } from "../inputs/props";
import { InvalidInputError } from "../resource-errors";
import { DeployRequestInputs } from "./inputs";

/** Registry and journal kind of deploy requests (see `ownership/`). */
export const KIND = "deployRequest";

/** Inputs after `check`: the organization is always known. */
export type ResolvedDeployRequestInputs = DeployRequestInputs & { organization: string };

/** The inputs after `check`, parsed again: `check` filled in the organization. */
export function resolved(props: Record<string, unknown>): ResolvedDeployRequestInputs {
  const parsed = DeployRequestInputs.parse(userInputs(props));
  if (parsed.organization === undefined) {
    throw new InvalidInputError(
      "internal error: DeployRequest inputs reached the provider without organization",
    );
  }
  return parsed as ResolvedDeployRequestInputs;
}

/** How messages name a database: "acme/app". */
export function where(inputs: { organization: string; database: string }): string {
  return `${inputs.organization}/${inputs.database}`;
}

/** How messages name a deploy request: "deploy request #3 (pr-42 → main) of acme/app". */
export function describe(
  inputs: { organization: string; database: string; branch: string; intoBranch?: string | undefined },
  number?: number,
): string {
  const into = inputs.intoBranch ? ` → ${inputs.intoBranch}` : "";
  return `deploy request${number === undefined ? "" : ` #${number}`} (${inputs.branch}${into}) of ${where(inputs)}`;
}

/** How other resources and messages refer to the resource opening a deploy request. */
export function ownerOf(inputs: ResolvedDeployRequestInputs): string {
  return `the DeployRequest of branch '${inputs.branch}' (${where(inputs)})`;
}

/** An error's message, for a log line or another error's text. */
export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
