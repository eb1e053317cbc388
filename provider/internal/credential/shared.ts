import type * as z from "zod";
import { resolvedInputs } from "../inputs/props";
import type { CredentialFlavor } from "./flavor";
import type { ResolvedCredentialInputs } from "./inputs";

type Props = Record<string, unknown>;

/** The inputs after `check`, parsed again by the flavor's schema: `check` filled in the organization and the name. */
export function resolved(flavor: CredentialFlavor, props: Props): ResolvedCredentialInputs {
  return resolvedInputs(
    flavor.schema as z.ZodType<Props & { organization?: string; name?: string }>,
    props,
    flavor.resource,
  ) as ResolvedCredentialInputs;
}

/** An error's message, for a log line or another error's text. */
export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
