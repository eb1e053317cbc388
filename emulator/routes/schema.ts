/**
 * A branch's schema: `get_branch_schema` (each table's `CREATE TABLE`), `lint_branch_schema`, and
 * the branch's diff to its parent, which pscale's `branch diff` reads (`GET …/branches/{b}/diff`,
 * not in the spec; planetscale-go `databaseBranchesService.Diff`).
 */

import { paginate, type RequestContext, type Route, requireDatabase } from "../http/context";
import { notFound, unprocessable } from "../http/errors";
import { lintTables } from "../state/lint";
import { accessesFor } from "../state/permissions";
import type { BranchRecord, DatabaseRecord } from "../state/records";
import { diffTables, lineDiffs } from "../state/schema-diff";
import { htmlOf, renderTable, sortedTables } from "../state/tables";
import { requireBranch } from "./checks";
import { renderLint } from "./deploy-request-render";

/** The branch in the path, of a Vitess database (the emulator keeps no Postgres schema). */
function vitessBranch(ctx: RequestContext, operation: string): { db: DatabaseRecord; branch: BranchRecord } {
  const db = requireDatabase(ctx, accessesFor(operation));
  const branch = requireBranch(ctx, db);
  if ((branch.kind ?? "mysql") !== "mysql") {
    throw unprocessable(
      `Branch ${branch.name} is a PostgreSQL branch: the emulator keeps schemas of Vitess branches only`,
    );
  }
  return { db, branch };
}

/** `GET …/branches/{branch}/schema[?keyspace=]`: `{data: [{name, html, raw}]}`, tables by name. */
function getSchema(ctx: RequestContext) {
  const { db, branch } = vitessBranch(ctx, "get_branch_schema");
  const keyspace = ctx.query.get("keyspace");
  // A branch has one keyspace, named after its database.
  if (keyspace !== null && keyspace !== "" && keyspace !== db.name) {
    throw notFound(`keyspace "${keyspace}" does not exist in branch "${branch.name}"`);
  }
  const data = sortedTables(branch.tables).map((t) => {
    const raw = renderTable(t);
    return { name: t.name, html: htmlOf(raw), raw };
  });
  return { status: 200, body: { data } };
}

/** `GET …/branches/{branch}/schema/lint`: the lint errors, paginated. */
function lintSchema(ctx: RequestContext) {
  const { db, branch } = vitessBranch(ctx, "lint_branch_schema");
  const errors = renderLint(lintTables(sortedTables(branch.tables)), db.name);
  const url = `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/branches/${encodeURIComponent(branch.name)}/schema/lint`;
  // The spec's envelope for this list has no totals.
  return { status: 200, body: paginate(ctx, errors, url, { totals: false }) };
}

/**
 * `GET …/branches/{branch}/diff`: the branch's schema against its parent's, one entry per changed
 * table, `{data: [{name, raw, html}]}` with `+`/`-` lines (pscale colours lines by that prefix,
 * `internal/cmd/branch/diff.go`). A branch without a parent (production) has no diff.
 */
function branchDiff(ctx: RequestContext) {
  const { db, branch } = vitessBranch(ctx, "get_branch_diff");
  const parent =
    branch.parentBranch === null
      ? undefined
      : ctx.store.branch(db.organization, db.name, branch.parentBranch);
  const changes = parent === undefined ? [] : diffTables(parent.tables, branch.tables);
  const data = lineDiffs(changes).map((d) => ({ name: d.name, raw: d.raw, html: htmlOf(d.raw) }));
  return { status: 200, body: { data } };
}

const B = "organizations/:organization/databases/:database/branches/:branch";

/** Branch schema routes. */
export const schemaRoutes: Route[] = [
  { method: "GET", pattern: `${B}/schema`, handler: getSchema },
  { method: "GET", pattern: `${B}/schema/lint`, handler: lintSchema },
  { method: "GET", pattern: `${B}/diff`, handler: branchDiff },
];
