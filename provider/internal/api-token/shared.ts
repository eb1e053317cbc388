import { resolvedInputs } from "../inputs/props";
import { ApiTokenInputs } from "./inputs";
import type { ResolvedApiTokenInputs } from "./outputs";

/** Registry kind of service tokens (see `run-registry`). */
export const KIND = "serviceToken";

/** The inputs after `check`, parsed again: `check` filled in the organization and the name. */
export function resolved(props: Record<string, unknown>): ResolvedApiTokenInputs {
  return resolvedInputs(ApiTokenInputs, props, "ApiToken");
}

/** How messages name a token: "service token 'ci' (id abc) of acme". */
export function describe(inputs: { organization: string; name: string }, id?: string): string {
  return `service token '${inputs.name}'${id ? ` (id ${id})` : ""} of ${inputs.organization}`;
}

/** How other resources and messages refer to the resource creating this token. */
export function ownerOf(inputs: ResolvedApiTokenInputs): string {
  return `the ApiToken named '${inputs.name}' (${inputs.organization})`;
}

/** An error's message, for a log line or another error's text. */
export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
