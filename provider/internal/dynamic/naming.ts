import { randomBytes } from "node:crypto";
import { NAME_MAX, suggestName } from "../inputs/names";
import { isUnknown, UNKNOWN } from "../inputs/unknown";

const SUFFIX_LENGTH = 7;

/**
 * Auto-naming, like Pulumi's own providers: the resource's name (or `namePrefix`) plus a random
 * suffix, made valid. A name generated before is kept as long as the prefix is unchanged, so it is
 * stable across `pulumi up`s (check's returned inputs are stored in state).
 */
function autoName(prefix: string, previous: { name?: unknown; namePrefix?: unknown }): string {
  const base = suggestName(prefix)
    .slice(0, NAME_MAX - SUFFIX_LENGTH - 1)
    .replace(/-+$/, "");
  if (
    previous.namePrefix === prefix &&
    typeof previous.name === "string" &&
    previous.name.startsWith(`${base}-`) &&
    previous.name.length === base.length + 1 + SUFFIX_LENGTH
  ) {
    return previous.name;
  }
  return `${base}-${randomSuffix()}`;
}

function randomSuffix(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(SUFFIX_LENGTH);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/**
 * For `check`: when the program left `name` out, generates it from `namePrefix` (or
 * `defaultPrefix`). While the prefix is unknown (preview), the name is unknown too.
 */
export function fillName(
  inputs: Record<string, unknown>,
  olds: Record<string, unknown>,
  defaultPrefix: string,
): void {
  if (inputs["name"] !== undefined) return;
  const prefix = inputs["namePrefix"];
  inputs["name"] = isUnknown(prefix)
    ? UNKNOWN
    : autoName(typeof prefix === "string" ? prefix : defaultPrefix, olds);
}
