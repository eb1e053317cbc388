import * as pulumi from "@pulumi/pulumi";
import { ConfigKeys, type ConfigSource, credentialSourcesProblem } from "../client/settings";

/** The stack config keys that hold a secret, and what they hold. */
const SECRET_KEYS = [
  [ConfigKeys.serviceToken, "service token"],
  [ConfigKeys.accessToken, "access token"],
] as const;

/**
 * Whether the stack config stores `key` encrypted. The Node SDK knows (it is given the secret keys
 * with the config) but exports the test only at run time, as `runtime.isConfigSecret`.
 */
const isSecretKey = (pulumi.runtime as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;

/** Programs already checked, by their run's stack resource (inline programs run many times in one process). */
const checked = new WeakSet<object>();
let checkedWithoutStack = false;

/**
 * Refuses, before a program's first resource is registered, a stack configuration that would work
 * but should not: a credential stored in plaintext in the stack config (`Pulumi.<stack>.yaml`, a
 * file teams commit), and a service token whose id and secret come from different sources (see
 * `credentialSourcesProblem`). Only the program can tell a secret config value from a plain one
 * (the provider receives both decrypted), and the program runs at every `pulumi preview`, one that
 * changes nothing included.
 * @throws pulumi.RunError with the commands that fix it (never the value).
 */
export function checkStackConfig(): void {
  const stack = pulumi.runtime.getStackResource();
  if (stack === undefined ? checkedWithoutStack : checked.has(stack)) return;
  if (stack === undefined) checkedWithoutStack = true;
  else checked.add(stack);
  const problems = stackConfigProblems({ get: (key) => pulumi.runtime.getConfig(key) }, isSecretKey);
  if (problems.length > 0) throw new pulumi.RunError(problems.join("\n\n"));
}

/**
 * What {@link checkStackConfig} refuses, in the words that fix it.
 * @param isSecret whether the stack config stores a key encrypted; undefined when the SDK cannot say.
 */
export function stackConfigProblems(
  config: ConfigSource,
  isSecret: ((key: string) => boolean) | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const problems: string[] = [];
  for (const [key, what] of SECRET_KEYS) {
    if (isSecret === undefined || (config.get(key) ?? "").trim() === "" || isSecret(key)) continue;
    problems.push(
      `${key} is stored in plaintext in the stack's config (Pulumi.${pulumi.getStack()}.yaml, a file that is ` +
        `often committed). Store it encrypted, with the same ${what}:\n` +
        `  pulumi config set --secret ${key} "$(pulumi config get ${key})"\n` +
        "and rotate it if the file was ever committed or shared.",
    );
  }
  try {
    const mixed = credentialSourcesProblem(config, env);
    if (mixed !== undefined) problems.push(mixed);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  return problems;
}
