import { InvalidSettingsError } from "./errors";
import type { ConfigSource } from "./settings";

/** The stack config key that allows a service token's id and secret to come from different sources. */
export const ALLOW_MIXED_CREDENTIALS = "planetscale:allowMixedCredentials";

/** Where a value comes from: a stack config key (`planetscale:…`) or an environment variable. */
function place(from: string): string {
  return from.startsWith("planetscale:") ? `${from} (stack config)` : `${from} (environment)`;
}

/**
 * Why a service token whose id and secret come from different sources (one from the stack config,
 * the other from the environment) is refused: the two may belong to two tokens (a stale id in
 * `Pulumi.<stack>.yaml`, another token's secret in CI), and which token acts would depend on where
 * the command runs. Undefined when both come from one source, or when the stack config sets
 * {@link ALLOW_MIXED_CREDENTIALS} to `true` (the id committed, the secret injected by CI, on purpose).
 * @param from where each half comes from: its config key or environment variable.
 * @param names the config keys and environment variables of the two halves, for the fix.
 * @throws InvalidSettingsError when {@link ALLOW_MIXED_CREDENTIALS} is neither `true` nor `false`.
 */
export function mixedSources(
  from: { id: string; token: string },
  config: ConfigSource | undefined,
  names: { idKey: string; tokenKey: string; idEnv: string; tokenEnv: string },
): string | undefined {
  const idInConfig = from.id.startsWith("planetscale:");
  if (idInConfig === from.token.startsWith("planetscale:") || allowed(config)) return undefined;
  const [bothInConfig, bothInEnv] = idInConfig
    ? [`pulumi config set --secret ${names.tokenKey} <token>`, `pulumi config rm ${names.idKey}`]
    : [`pulumi config set ${names.idKey} <id>`, `pulumi config rm ${names.tokenKey}`];
  return [
    `The service token's id comes from ${place(from.id)} and its secret from ${place(from.token)}.`,
    "Two sources can hold two different tokens, and which one acts would depend on where the command",
    "runs. Take both from one place:",
    `  ${bothInConfig}    # both from the stack config`,
    `  ${bothInEnv}    # both from ${names.idEnv} and ${names.tokenEnv}`,
    "or, if the split is deliberate (the id in the stack config, the secret from CI), allow it:",
    `  pulumi config set ${ALLOW_MIXED_CREDENTIALS} true`,
  ].join("\n");
}

function allowed(config: ConfigSource | undefined): boolean {
  const raw = config?.get(ALLOW_MIXED_CREDENTIALS)?.trim().toLowerCase();
  if (raw === undefined || raw === "" || raw === "false") return false;
  if (raw === "true") return true;
  throw new InvalidSettingsError(`${ALLOW_MIXED_CREDENTIALS} must be true or false.`);
}
