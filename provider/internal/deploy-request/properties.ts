import type * as schemas from "../api/deploy-request-schemas";
import type { CreateDeployRequestBody } from "../api/deploy-requests";
import { CREATED_AT, ORGANIZATION } from "../inputs/common-properties";
import type { PropertyTable, ResourceApi } from "../inputs/property-table";
import { ddlOf, droppingDdl, lintErrorsOf, operationsOf } from "./report";

/** The PlanetScale API the DeployRequest table names (`api/deploy-requests.ts`). */
export interface DeployRequestApi extends ResourceApi {
  readonly createBody: keyof CreateDeployRequestBody;
  readonly calls: {
    /**
     * `POST …/deploy-requests/{number}/deploy` with `{instant_ddl}`: once the request is checked,
     * when `deploy` is true (at create, or when it becomes true); then waiting for the deployment.
     */
    readonly deploy: never;
    /** `PUT …/deploy-requests/{number}/auto-apply` `{enable}`, while it is not deployed. */
    readonly "auto-apply": "enable";
    /** `PUT …/deploy-requests/{number}/auto-delete-branch` `{enable}`, while it is not deployed. */
    readonly "auto-delete-branch": "enable";
  };
  readonly object: schemas.DeployRequest;
  readonly fields: keyof (typeof schemas.DeployRequest)["shape"];
}

/**
 * Every property of a DeployRequest, declared once (see {@link PropertyTable}): it drives `diff`,
 * the create request's body, the in-place calls (`./update`), the outputs read from PlanetScale's
 * deploy request, the outputs the `DeployRequest` class exposes, what `getDeployRequest` reports,
 * the README's DeployRequest tables and the `DeployRequestArgs` TSDoc.
 */
export const DEPLOY_REQUEST_PROPERTIES = {
  organization: ORGANIZATION,
  database: {
    input: { change: "replace", required: true, sent: "path" },
    output: "echo",
    doc: "Database name (a Vitess/MySQL database: Postgres has no deploy requests, refused at preview).",
  },
  branch: {
    input: { change: "replace", required: true, sent: { body: "branch" } },
    output: "reported",
    from: "branch",
    doc: "The branch whose schema changes are deployed: the `Branch` resource, or a branch name.",
  },
  intoBranch: {
    input: { change: "replace", serverDefaulted: true, sent: { body: "into_branch" } },
    output: "reported",
    from: "into_branch",
    doc: "The branch deployed into (it must have safe migrations on); the output is the one PlanetScale chose.",
    defaultDoc: "the branch's parent, else the database's default branch",
  },
  notes: {
    input: { change: "update", sent: { body: "notes" }, applied: "no API call" },
    output: "echo",
    doc: "Notes shown with the deploy request.",
    changeDoc: "kept as given (PlanetScale has no call that edits notes)",
  },
  autoCutover: {
    input: {
      change: "update",
      default: true,
      sent: { body: "auto_cutover" },
      applied: { call: "auto-apply", body: "enable" },
    },
    output: "reported",
    from: "deployment",
    read: (request) => request.deployment?.auto_cutover,
    doc: "Cut over to the new schema as soon as it is ready; false waits in `pending_cutover` for someone to apply it (`pscale deploy-request apply`).",
    defaultDoc: "`true`",
    changeDoc: "in place (`PUT …/auto-apply`) while it is not deployed",
  },
  autoDeleteBranch: {
    input: {
      change: "update",
      default: false,
      sent: { body: "auto_delete_branch" },
      applied: { call: "auto-delete-branch", body: "enable" },
    },
    output: "reported",
    from: "deployment",
    read: (request) => request.deployment?.auto_delete_branch,
    doc: "Let PlanetScale delete the branch once the deploy is live (a `Branch` resource of it is then gone at the next refresh).",
    defaultDoc: "`false`",
    changeDoc: "in place (`PUT …/auto-delete-branch`) while it is not deployed",
  },
  instantDdl: {
    input: { change: "update", default: false, sent: { call: "deploy" }, applied: { call: "deploy" } },
    output: "echo",
    doc: "Deploy with MySQL's instant DDL when PlanetScale finds it eligible: faster, but cannot be reverted.",
    defaultDoc: "`false`",
    changeDoc: "in place: used when it is deployed",
  },
  deploy: {
    input: { change: "update", default: false, sent: { call: "deploy" }, applied: { call: "deploy" } },
    output: "echo",
    doc: "`false`: open the deploy request and keep it open. `true`: deploy it and wait until the change is live (progress lines, up to `deployTimeout`); refused when PlanetScale finds it not deployable, and (without `allowDataLoss`) when it can drop data.",
    defaultDoc: "`false`",
    changeDoc: "in place: `false` → `true` deploys it; a deployed request stays deployed",
  },
  allowDataLoss: {
    input: { change: "update", default: false, sent: "no API call", applied: "no API call" },
    output: "echo",
    doc: "Allow `deploy` to run operations that can drop data (a dropped table or column, a changed column type); without it such a deploy fails at preview (once the request is open) and nothing is deployed.",
    defaultDoc: "`false`",
  },
  deployTimeout: {
    input: { change: "update", sent: "no API call", applied: "no API call" },
    output: "state",
    doc: 'How long `pulumi up` waits for a deploy to go live: seconds, or `"30m"`, `"2h"`; after it, the next `up` keeps waiting.',
    defaultDoc: '`"1h"`',
  },
  deployRequestId: {
    output: "reported",
    from: "id",
    doc: "PlanetScale's id of the deploy request (also the resource id).",
  },
  number: {
    output: "reported",
    from: "number",
    doc: "The deploy request's number in its database (`pscale deploy-request show <db> <number>`).",
  },
  htmlUrl: { output: "reported", from: "html_url", doc: "The deploy request's page in the PlanetScale app." },
  state: { output: "reported", from: "state", doc: "`open` or `closed`." },
  deploymentState: {
    output: "reported",
    from: "deployment_state",
    doc: "PlanetScale's deployment state: `pending` (being checked), `ready`, `no_changes`, `queued`, `in_progress`, `pending_cutover`, `complete_pending_revert` (live, revertible), `complete`, `complete_revert`, `complete_error`, …",
  },
  deployable: {
    output: "reported",
    from: "deployment",
    read: (request) => request.deployment?.deployable,
    absent: false,
    doc: "Whether PlanetScale would deploy it now (checked, with changes, without lint errors).",
  },
  approved: {
    output: "reported",
    from: "approved",
    absent: false,
    doc: "Whether it has an approving review (needed when the database requires approval for deploys).",
  },
  lintErrors: {
    output: "reported",
    from: "deployment",
    read: lintErrorsOf,
    doc: "PlanetScale's lint errors that keep it from deploying, as `CODE (table): description`.",
  },
  ddl: {
    output: "reported",
    from: "deployment",
    read: ddlOf,
    doc: "The DDL of each operation, in order: what deploying it runs.",
  },
  operations: {
    output: "reported",
    from: "deployment",
    read: operationsOf,
    doc: "Each operation: `{table, operation, ddl, canDropData}` (`operation`: `create`, `alter` or `drop`).",
  },
  canDropData: {
    output: "reported",
    from: "deployment",
    read: (request) => droppingDdl(request).length > 0,
    doc: "Whether any operation can drop data (then `deploy` needs `allowDataLoss`).",
  },
  deployedAt: {
    output: "reported",
    from: "deployed_at",
    doc: "When its changes went live (ISO 8601); null until deployed.",
  },
  createdAt: CREATED_AT,
} as const satisfies PropertyTable<DeployRequestApi>;
