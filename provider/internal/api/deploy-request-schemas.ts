/**
 * Zod schemas of deploy requests and branch schemas, lenient as `schemas.ts` is: unknown fields
 * pass through and a field may be null or absent unless the provider cannot work without it (the
 * number and branches that address a deploy request, its `state` and `deployment_state`, which
 * every decision reads, its `created_at`, the ownership proof after a lost answer).
 */
import * as z from "zod";
import { Actor } from "./schemas";

/** One change a deploy request makes to a table (`deploy_operations[]`, `list_deploy_operations`). */
export const DeployOperation = z.looseObject({
  id: z.string().nullish(),
  state: z.string().nullish(),
  keyspace_name: z.string().nullish(),
  table_name: z.string().nullish(),
  operation_name: z.string().nullish(),
  ddl_statement: z.string().nullish(),
  can_drop_data: z.boolean().nullish(),
  deploy_errors: z.string().nullish(),
});
export type DeployOperation = z.infer<typeof DeployOperation>;

/** A schema lint error (`lint_branch_schema` items, a deployment's `lint_errors`). */
export const LintError = z.looseObject({
  lint_error: z.string(),
  subject_type: z.string().nullish(),
  keyspace_name: z.string().nullish(),
  table_name: z.string().nullish(),
  error_description: z.string().nullish(),
  docs_url: z.string().nullish(),
  column_name: z.string().nullish(),
});
export type LintError = z.infer<typeof LintError>;

/** A deploy request's deployment (`get_deployment`, and `deployment` inside a deploy request). */
export const Deployment = z.looseObject({
  id: z.string().nullish(),
  state: z.string().nullish(),
  deployable: z.boolean().nullish(),
  auto_cutover: z.boolean().nullish(),
  instant_ddl: z.boolean().nullish(),
  instant_ddl_eligible: z.boolean().nullish(),
  queued_at: z.string().nullish(),
  started_at: z.string().nullish(),
  ready_to_cutover_at: z.string().nullish(),
  cutover_at: z.string().nullish(),
  finished_at: z.string().nullish(),
  deploy_check_errors: z.string().nullish(),
  deploy_operations: z.array(DeployOperation).nullish(),
  lint_errors: z.array(LintError).nullish(),
  preceding_deployments: z
    .array(z.looseObject({ deploy_request_number: z.number().nullish(), state: z.string().nullish() }))
    .nullish(),
});
export type Deployment = z.infer<typeof Deployment>;

/** A deploy request (`get_deploy_request` and every deploy-request action's answer). */
export const DeployRequest = z.looseObject({
  id: z.string().min(1),
  number: z.number().int().positive(),
  branch: z.string(),
  into_branch: z.string(),
  /** `open` or `closed`. */
  state: z.string(),
  /** The spec's deployment states (`pending`, `ready`, …, `complete`); any string is accepted. */
  deployment_state: z.string(),
  approved: z.boolean().nullish(),
  notes: z.string().nullish(),
  html_url: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
  closed_at: z.string().nullish(),
  deployed_at: z.string().nullish(),
  branch_id: z.string().nullish(),
  branch_deleted: z.boolean().nullish(),
  actor: Actor.nullish(),
  deployment: Deployment.nullish(),
});
export type DeployRequest = z.infer<typeof DeployRequest>;

/** One table of a branch's schema, or one table's diff: `{name, raw, html}`. */
export const SchemaEntry = z.looseObject({
  name: z.string(),
  raw: z.string(),
  html: z.string().nullish(),
});
export type SchemaEntry = z.infer<typeof SchemaEntry>;

/** The `{data: [...]}` answer of the schema and diff endpoints (not paginated). */
export const SchemaEntries = z.looseObject({ data: z.array(SchemaEntry) });
