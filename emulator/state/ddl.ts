/**
 * The DDL a migration tool runs on a branch, applied to the emulator's tables (`tables.ts`): the
 * subset of MySQL that schema migrations use. `CREATE TABLE [IF NOT EXISTS]`, `ALTER TABLE` (`ADD`,
 * `DROP`, `MODIFY` and `RENAME` a column; `ADD`/`DROP` an index or the primary key; `ENGINE`,
 * `CHARSET`), `DROP TABLE [IF EXISTS]`, `RENAME TABLE`, `CREATE [UNIQUE] INDEX … ON`, `DROP INDEX
 * … ON`. Anything else is refused with MySQL's syntax error, so a test never believes a statement
 * worked that the emulator ignored. A script applies whole or not at all.
 */
import { DdlError, splitStatements, Tokens } from "./ddl-tokens";
import { type ColumnDef, copyTables, DEFAULT_CHARSET, DEFAULT_ENGINE, type TableDef } from "./tables";

export { DdlError } from "./ddl-tokens";

/** Applies every statement of `scripts` to a copy of `tables`; returns the new tables. Throws {@link DdlError}. */
export function applyDdl(
  tables: readonly TableDef[],
  scripts: readonly string[],
  database: string,
): TableDef[] {
  const byName = new Map(copyTables(tables).map((t) => [t.name.toLowerCase(), t]));
  for (const script of scripts) {
    for (const statement of splitStatements(script)) applyStatement(byName, new Tokens(statement), database);
  }
  return [...byName.values()];
}

type Tables = Map<string, TableDef>;

function missingTable(database: string, name: string): DdlError {
  return new DdlError(`Error 1146 (42S02): Table '${database}.${name}' doesn't exist`);
}

function table(tables: Tables, name: string, database: string): TableDef {
  const found = tables.get(name.toLowerCase());
  if (!found) throw missingTable(database, name);
  return found;
}

function applyStatement(tables: Tables, t: Tokens, database: string): void {
  if (t.accept("CREATE", "TABLE")) createTable(tables, t);
  else if (t.accept("ALTER", "TABLE")) alterTable(table(tables, t.identifier(), database), t, tables);
  else if (t.accept("DROP", "TABLE")) dropTables(tables, t, database);
  else if (t.accept("RENAME", "TABLE")) renameTables(tables, t, database);
  else if (t.isWord("CREATE") && (t.isWord("INDEX", 1) || (t.isWord("UNIQUE", 1) && t.isWord("INDEX", 2)))) {
    t.expect("CREATE");
    const unique = t.accept("UNIQUE");
    t.expect("INDEX");
    const name = t.identifier();
    t.expect("ON");
    const target = table(tables, t.identifier(), database);
    addIndex(target, name, columnList(t), unique);
    checkKeys(target);
  } else if (t.accept("DROP", "INDEX")) {
    const name = t.identifier();
    t.expect("ON");
    dropIndex(table(tables, t.identifier(), database), name);
  } else throw t.error();
  if (!t.done()) throw t.error();
}

function createTable(tables: Tables, t: Tokens): void {
  const ifNotExists = t.accept("IF", "NOT", "EXISTS");
  const name = t.identifier();
  if (tables.has(name.toLowerCase())) {
    if (ifNotExists) {
      while (!t.done()) t.next();
      return;
    }
    throw new DdlError(`Error 1050 (42S01): Table '${name}' already exists`);
  }
  const created: TableDef = {
    name,
    columns: [],
    primaryKey: [],
    indexes: [],
    engine: DEFAULT_ENGINE,
    charset: DEFAULT_CHARSET,
  };
  t.expectPunct("(");
  do {
    if (t.accept("PRIMARY", "KEY")) setPrimaryKey(created, columnList(t));
    else if (t.accept("UNIQUE")) {
      t.accept("KEY") || t.accept("INDEX");
      const indexName = t.isPunct("(") ? undefined : t.identifier();
      const columns = columnList(t);
      addIndex(created, indexName ?? columns[0] ?? "unique", columns, true);
    } else if (t.accept("KEY") || t.accept("INDEX")) {
      const indexName = t.identifier();
      addIndex(created, indexName, columnList(t), false);
    } else addColumn(created, columnDefinition(t, created), undefined);
  } while (t.acceptPunct(","));
  t.expectPunct(")");
  tableOptions(created, t);
  if (created.columns.length === 0)
    throw new DdlError("Error 1113 (42000): A table must have at least 1 column");
  checkKeys(created);
  tables.set(name.toLowerCase(), created);
}

function tableOptions(target: TableDef, t: Tokens): void {
  for (;;) {
    t.acceptPunct(",");
    if (t.accept("ENGINE")) {
      t.acceptPunct("=");
      target.engine = t.identifier();
    } else if (t.accept("DEFAULT", "CHARSET") || t.accept("CHARSET") || charsetWords(t)) {
      t.acceptPunct("=");
      target.charset = t.identifier().toLowerCase();
    } else if (t.accept("DEFAULT", "COLLATE") || t.accept("COLLATE")) {
      // The collation follows the charset's default here; it is not kept.
      t.acceptPunct("=");
      t.identifier();
    } else return;
  }
}

function charsetWords(t: Tokens): boolean {
  return t.accept("DEFAULT", "CHARACTER", "SET") || t.accept("CHARACTER", "SET");
}

/** `(a, b)`: column names, as in a key. */
function columnList(t: Tokens): string[] {
  t.expectPunct("(");
  const names: string[] = [];
  do {
    names.push(t.identifier());
    if (t.acceptPunct("(")) {
      // A prefix length, `name(10)`: accepted, not kept.
      t.next();
      t.expectPunct(")");
    }
  } while (t.acceptPunct(","));
  t.expectPunct(")");
  return names;
}

/** `name type[(args)] [UNSIGNED] [NOT NULL|NULL] [DEFAULT x] [AUTO_INCREMENT] [PRIMARY KEY|UNIQUE]`. */
function columnDefinition(t: Tokens, target: TableDef): ColumnDef {
  const name = t.identifier();
  const typeWord = t.next();
  if (typeWord.kind !== "word") throw t.error();
  let type = typeWord.text.toLowerCase();
  if (t.acceptPunct("(")) {
    const args: string[] = [];
    do args.push(t.next().raw);
    while (t.acceptPunct(","));
    t.expectPunct(")");
    type += `(${args.join(",")})`;
  }
  for (const modifier of ["UNSIGNED", "ZEROFILL"])
    if (t.accept(modifier)) type += ` ${modifier.toLowerCase()}`;
  const column: ColumnDef = { name, type, nullable: true, default: null, autoIncrement: false };
  for (;;) {
    if (t.accept("NOT", "NULL")) column.nullable = false;
    else if (t.accept("NULL")) column.nullable = true;
    else if (t.accept("DEFAULT")) column.default = defaultValue(t);
    else if (t.accept("AUTO_INCREMENT")) column.autoIncrement = true;
    else if (t.accept("PRIMARY", "KEY")) {
      column.nullable = false;
      setPrimaryKey(target, [name]);
    } else if (t.accept("UNIQUE")) {
      t.accept("KEY");
      addIndex(target, name, [name], true);
    } else return column;
  }
}

function defaultValue(t: Tokens): string {
  const token = t.next();
  if (token.kind === "string") return `'${token.text.replace(/'/g, "''")}'`;
  if (token.kind === "number") return `'${token.text}'`;
  if (token.kind !== "word") throw t.error();
  const word = token.text.toUpperCase();
  if (word === "NULL") return "NULL";
  if (word === "TRUE" || word === "FALSE") return `'${word === "TRUE" ? 1 : 0}'`;
  if (word === "CURRENT_TIMESTAMP") {
    if (t.acceptPunct("(")) {
      const precision = t.isPunct(")") ? "" : t.next().raw;
      t.expectPunct(")");
      return `CURRENT_TIMESTAMP${precision ? `(${precision})` : ""}`;
    }
    return "CURRENT_TIMESTAMP";
  }
  throw t.error();
}

function columnIndex(target: TableDef, name: string): number {
  return target.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
}

function requireColumn(target: TableDef, name: string, what: "DROP" | "MODIFY" | "RENAME"): number {
  const at = columnIndex(target, name);
  if (at < 0) {
    throw what === "DROP"
      ? new DdlError(`Error 1091 (42000): Can't DROP '${name}'; check that column/key exists`)
      : new DdlError(`Error 1054 (42S22): Unknown column '${name}' in '${target.name}'`);
  }
  return at;
}

/** Adds `column` at the end, or `FIRST`/`AFTER x` (`position`: the index to insert at). */
function addColumn(target: TableDef, column: ColumnDef, position: number | undefined): void {
  if (columnIndex(target, column.name) >= 0) {
    throw new DdlError(`Error 1060 (42S21): Duplicate column name '${column.name}'`);
  }
  target.columns.splice(position ?? target.columns.length, 0, column);
}

function setPrimaryKey(target: TableDef, columns: string[]): void {
  if (target.primaryKey.length > 0) throw new DdlError("Error 1068 (42000): Multiple primary key defined");
  target.primaryKey = columns;
}

/** Adds an index; its columns are checked by {@link checkKeys} (a `CREATE TABLE` may name a later column). */
function addIndex(target: TableDef, name: string, columns: string[], unique: boolean): void {
  if (target.indexes.some((i) => i.name.toLowerCase() === name.toLowerCase())) {
    throw new DdlError(`Error 1061 (42000): Duplicate key name '${name}'`);
  }
  target.indexes.push({ name, columns, unique });
}

/** Every key names columns of the table. */
function checkKeys(target: TableDef): void {
  for (const column of [...target.primaryKey, ...target.indexes.flatMap((i) => i.columns)]) {
    if (columnIndex(target, column) < 0) {
      throw new DdlError(`Error 1072 (42000): Key column '${column}' doesn't exist in table`);
    }
  }
}

function dropIndex(target: TableDef, name: string): void {
  const at = target.indexes.findIndex((i) => i.name.toLowerCase() === name.toLowerCase());
  if (at < 0) throw new DdlError(`Error 1091 (42000): Can't DROP '${name}'; check that column/key exists`);
  target.indexes.splice(at, 1);
}

function alterTable(target: TableDef, t: Tokens, tables: Tables): void {
  do alterSpec(target, t, tables);
  while (t.acceptPunct(","));
  checkKeys(target);
}

function position(target: TableDef, t: Tokens): number | undefined {
  if (t.accept("FIRST")) return 0;
  if (t.accept("AFTER")) return requireColumn(target, t.identifier(), "MODIFY") + 1;
  return undefined;
}

function alterSpec(target: TableDef, t: Tokens, tables: Tables): void {
  if (t.accept("ADD", "PRIMARY", "KEY")) setPrimaryKey(target, columnList(t));
  else if (t.accept("ADD", "UNIQUE")) {
    t.accept("KEY") || t.accept("INDEX");
    const name = t.isPunct("(") ? undefined : t.identifier();
    const columns = columnList(t);
    addIndex(target, name ?? columns[0] ?? "unique", columns, true);
  } else if (t.accept("ADD", "INDEX") || t.accept("ADD", "KEY")) {
    const name = t.identifier();
    addIndex(target, name, columnList(t), false);
  } else if (t.accept("ADD")) {
    t.accept("COLUMN");
    const column = columnDefinition(t, target);
    addColumn(target, column, position(target, t));
  } else if (t.accept("DROP", "PRIMARY", "KEY")) {
    if (target.primaryKey.length === 0)
      throw new DdlError("Error 1091 (42000): Can't DROP 'PRIMARY'; check that column/key exists");
    target.primaryKey = [];
  } else if (t.accept("DROP", "INDEX") || t.accept("DROP", "KEY")) {
    dropIndex(target, t.identifier());
  } else if (t.accept("DROP")) {
    t.accept("COLUMN");
    const name = t.identifier();
    target.columns.splice(requireColumn(target, name, "DROP"), 1);
    const lower = name.toLowerCase();
    target.primaryKey = target.primaryKey.filter((c) => c.toLowerCase() !== lower);
    target.indexes = target.indexes
      .map((i) => ({ ...i, columns: i.columns.filter((c) => c.toLowerCase() !== lower) }))
      .filter((i) => i.columns.length > 0);
  } else if (t.accept("MODIFY")) {
    t.accept("COLUMN");
    const column = columnDefinition(t, target);
    const at = requireColumn(target, column.name, "MODIFY");
    target.columns.splice(at, 1);
    target.columns.splice(position(target, t) ?? at, 0, column);
  } else if (t.accept("RENAME", "COLUMN")) {
    const from = t.identifier();
    t.expect("TO");
    const to = t.identifier();
    const at = requireColumn(target, from, "RENAME");
    if (columnIndex(target, to) >= 0) throw new DdlError(`Error 1060 (42S21): Duplicate column name '${to}'`);
    const rename = (c: string) => (c.toLowerCase() === from.toLowerCase() ? to : c);
    (target.columns[at] as ColumnDef).name = to;
    target.primaryKey = target.primaryKey.map(rename);
    target.indexes = target.indexes.map((i) => ({ ...i, columns: i.columns.map(rename) }));
  } else if (t.accept("RENAME", "TO") || t.accept("RENAME")) {
    const to = t.identifier();
    renameTable(tables, target.name, to);
  } else tableOptionsOrFail(target, t);
}

function tableOptionsOrFail(target: TableDef, t: Tokens): void {
  const before = JSON.stringify([target.engine, target.charset]);
  const start = t.peek();
  tableOptions(target, t);
  if (t.peek() === start && JSON.stringify([target.engine, target.charset]) === before) throw t.error();
}

function dropTables(tables: Tables, t: Tokens, database: string): void {
  const ifExists = t.accept("IF", "EXISTS");
  do {
    const name = t.identifier();
    if (!tables.delete(name.toLowerCase()) && !ifExists) throw missingTable(database, name);
  } while (t.acceptPunct(","));
}

function renameTables(tables: Tables, t: Tokens, database: string): void {
  do {
    const from = t.identifier();
    t.expect("TO");
    const to = t.identifier();
    table(tables, from, database);
    renameTable(tables, from, to);
  } while (t.acceptPunct(","));
}

function renameTable(tables: Tables, from: string, to: string): void {
  if (tables.has(to.toLowerCase())) throw new DdlError(`Error 1050 (42S01): Table '${to}' already exists`);
  const moved = tables.get(from.toLowerCase()) as TableDef;
  tables.delete(from.toLowerCase());
  moved.name = to;
  tables.set(to.toLowerCase(), moved);
}
