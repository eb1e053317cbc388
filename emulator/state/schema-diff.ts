/**
 * What changes one branch's schema into another's: one change per table (created, altered or
 * dropped), each with the DDL a deploy request runs and whether it can drop data, as PlanetScale's
 * deploy operations report them (`ddl_statement`, `can_drop_data`); and the line diff PlanetScale's
 * clients print for a branch or a deploy request (`raw`: `+` added, `-` removed lines).
 */
import {
  type ColumnDef,
  type IndexDef,
  quote,
  renderColumn,
  renderIndex,
  renderTable,
  sortedTables,
  type TableDef,
} from "./tables";

/** How a table changes. */
export type TableOperation = "create" | "alter" | "drop";

/** One table's change. */
export interface SchemaChange {
  table: string;
  operation: TableOperation;
  /** The statement that makes the change (no trailing `;`). */
  ddl: string;
  /** Whether running it can lose rows or values: a dropped table or column, a column whose type changes. */
  canDropData: boolean;
  /** The table before (null when created) and after (null when dropped). */
  before: TableDef | null;
  after: TableDef | null;
}

/** The changes that turn `from` into `to`, by table name. */
export function diffTables(from: readonly TableDef[], to: readonly TableDef[]): SchemaChange[] {
  const before = new Map(from.map((t) => [t.name, t]));
  const after = new Map(to.map((t) => [t.name, t]));
  const changes: SchemaChange[] = [];
  for (const table of sortedTables([...from, ...to.filter((t) => !before.has(t.name))])) {
    const old = before.get(table.name) ?? null;
    const now = after.get(table.name) ?? null;
    if (old === null && now !== null) {
      changes.push({
        table: now.name,
        operation: "create",
        ddl: renderTable(now),
        canDropData: false,
        before: null,
        after: now,
      });
    } else if (old !== null && now === null) {
      changes.push({
        table: old.name,
        operation: "drop",
        ddl: `DROP TABLE ${quote(old.name)}`,
        canDropData: true,
        before: old,
        after: null,
      });
    } else if (old !== null && now !== null && renderTable(old) !== renderTable(now)) {
      const { clauses, canDropData } = alterClauses(old, now);
      changes.push({
        table: now.name,
        operation: "alter",
        ddl: `ALTER TABLE ${quote(now.name)} ${clauses.join(", ")}`,
        canDropData,
        before: old,
        after: now,
      });
    }
  }
  return changes;
}

function alterClauses(old: TableDef, now: TableDef): { clauses: string[]; canDropData: boolean } {
  const clauses: string[] = [];
  let canDropData = false;
  const oldColumns = new Map(old.columns.map((c) => [c.name, c]));
  const newColumns = new Map(now.columns.map((c) => [c.name, c]));
  for (const column of old.columns) {
    if (!newColumns.has(column.name)) {
      clauses.push(`DROP COLUMN ${quote(column.name)}`);
      canDropData = true;
    }
  }
  if (!sameList(old.primaryKey, now.primaryKey) && old.primaryKey.length > 0)
    clauses.push("DROP PRIMARY KEY");
  for (const index of old.indexes) {
    if (!now.indexes.some((i) => sameIndex(i, index))) clauses.push(`DROP KEY ${quote(index.name)}`);
  }
  now.columns.forEach((column, at) => {
    const previous = oldColumns.get(column.name);
    const place = at === 0 ? " FIRST" : ` AFTER ${quote((now.columns[at - 1] as ColumnDef).name)}`;
    if (previous === undefined) {
      clauses.push(`ADD COLUMN ${renderColumn(column)}${at === now.columns.length - 1 ? "" : place}`);
    } else if (renderColumn(previous) !== renderColumn(column)) {
      clauses.push(`MODIFY COLUMN ${renderColumn(column)}`);
      if (previous.type !== column.type) canDropData = true;
    }
  });
  if (!sameList(old.primaryKey, now.primaryKey) && now.primaryKey.length > 0) {
    clauses.push(`ADD PRIMARY KEY (${now.primaryKey.map(quote).join(", ")})`);
  }
  for (const index of now.indexes) {
    if (!old.indexes.some((i) => sameIndex(i, index))) clauses.push(`ADD ${renderIndex(index)}`);
  }
  if (old.engine !== now.engine) clauses.push(`ENGINE ${now.engine}`);
  if (old.charset !== now.charset) clauses.push(`CHARSET ${now.charset}`);
  return { clauses, canDropData };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameIndex(a: IndexDef, b: IndexDef): boolean {
  return a.name === b.name && a.unique === b.unique && sameList(a.columns, b.columns);
}

/** A table's change as PlanetScale's diff endpoints show it: its name and `+`/`-`/` ` lines. */
export interface TableDiff {
  name: string;
  raw: string;
}

/** The line diffs of `changes`: a created table all `+`, a dropped one all `-`, an altered one line by line. */
export function lineDiffs(changes: readonly SchemaChange[]): TableDiff[] {
  return changes.map((change) => {
    const before = change.before === null ? [] : renderTable(change.before).split("\n");
    const after = change.after === null ? [] : renderTable(change.after).split("\n");
    return { name: change.table, raw: diffLines(before, after).join("\n") };
  });
}

/** A longest-common-subsequence line diff. */
function diffLines(a: readonly string[], b: readonly string[]): string[] {
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (
      i < a.length &&
      (j >= b.length || ((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number))
    ) {
      out.push(`-${a[i]}`);
      i++;
    } else {
      out.push(`+${b[j]}`);
      j++;
    }
  }
  return out;
}
