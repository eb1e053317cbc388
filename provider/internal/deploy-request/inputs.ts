import * as z from "zod";
import { parseDuration } from "../inputs/duration";
import { NAME_MAX, NAME_PATTERN, slug, suggestName } from "../inputs/names";
import type { InputKeys } from "../inputs/property-table";
import { quoted } from "../inputs/text";
import type { DEPLOY_REQUEST_PROPERTIES } from "./properties";

/** An hour: most schema changes go live well within it; large tables take longer (raise it). */
export const DEFAULT_DEPLOY_TIMEOUT_MS = 60 * 60 * 1000;
const MAX_DEPLOY_TIMEOUT_MS = 48 * 60 * 60 * 1000;
/** PlanetScale documents no limit; the app shows notes as a comment. */
export const NOTES_MAX = 10_000;

function branchName(what: string) {
  return z
    .string({ error: `${what} must be a branch name (a string), or the Branch resource` })
    .max(NAME_MAX, `${what} must be at most ${NAME_MAX} characters`)
    .refine((v) => NAME_PATTERN.test(v), {
      error: (issue) =>
        `${what} ${quoted(String(issue.input))} is not a valid PlanetScale branch name (for example '${suggestName(String(issue.input))}')`,
    });
}

const TIMEOUT_RULE =
  "deployTimeout must be a duration between 1 s and 48 h: seconds as a number, or text like '90s', '30m', '2h'";

function flag(what: string) {
  return z.boolean({ error: `${what} must be true or false` });
}

/**
 * The inputs of a DeployRequest as the provider receives them. Unknown keys are refused so that a
 * typo such as `into_branch` is caught at preview. Its keys are exactly the inputs of
 * {@link DEPLOY_REQUEST_PROPERTIES} (the typechecker holds them together).
 */
export const DeployRequestInputFields = z.strictObject({
  organization: slug("organization", "acme").optional(),
  database: slug("database", "app"),
  branch: branchName("branch"),
  intoBranch: branchName("intoBranch").optional(),
  notes: z
    .string({ error: "notes must be a string" })
    .max(NOTES_MAX, `notes must be at most ${NOTES_MAX} characters`)
    .optional(),
  autoCutover: flag("autoCutover").optional(),
  autoDeleteBranch: flag("autoDeleteBranch").optional(),
  instantDdl: flag("instantDdl").optional(),
  deploy: flag("deploy").optional(),
  allowDataLoss: flag("allowDataLoss").optional(),
  deployTimeout: z
    .union([z.number(), z.string()], { error: TIMEOUT_RULE })
    .refine(
      (v) => {
        const ms = parseDuration(v);
        return ms !== undefined && ms >= 1000 && ms <= MAX_DEPLOY_TIMEOUT_MS;
      },
      { error: TIMEOUT_RULE },
    )
    .optional(),
} satisfies Record<InputKeys<typeof DEPLOY_REQUEST_PROPERTIES>, z.ZodType>);

/** {@link DeployRequestInputFields} plus the rules that involve several properties. */
export const DeployRequestInputs = DeployRequestInputFields.superRefine((v, ctx) => {
  if (v.intoBranch !== undefined && v.intoBranch === v.branch) {
    ctx.addIssue({
      code: "custom",
      path: ["intoBranch"],
      message: `intoBranch is the branch itself ('${v.branch}'): deploy into another branch, usually production (for example 'main')`,
    });
  }
});
export type DeployRequestInputs = z.infer<typeof DeployRequestInputs>;

/** Milliseconds a deploy is waited for. */
export function deployTimeoutMs(inputs: Pick<DeployRequestInputs, "deployTimeout">): number {
  return inputs.deployTimeout === undefined
    ? DEFAULT_DEPLOY_TIMEOUT_MS
    : (parseDuration(inputs.deployTimeout) ?? DEFAULT_DEPLOY_TIMEOUT_MS);
}
