/**
 * The Postgres cluster parameters the emulator knows, by namespace (the spec's `list_parameters`:
 * `patroni`, `pgconf`, `pgbouncer`), with their types and bounds, and the one check of a value.
 * A small, plausible subset of what PlanetScale lists: the defaults, bounds and categories of the
 * `pgconf` ones are PostgreSQL's own (postgresql.org/docs, "Server Configuration"); the PgBouncer
 * ones are PgBouncer's (pgbouncer.org/config.html).
 */
import type { ParameterValues } from "./records";

/** One parameter of the catalogue. */
export interface ParameterSpec {
  namespace: "patroni" | "pgconf" | "pgbouncer";
  name: string;
  category: string;
  description: string;
  type: "boolean" | "bytes" | "float" | "integer" | "select";
  defaultValue: string;
  min?: number;
  max?: number;
  options?: readonly string[];
  /** Changing it restarts PostgreSQL. */
  restart?: boolean;
}

/** The catalogue, in `list_parameters` order. */
export const PARAMETERS: readonly ParameterSpec[] = [
  {
    namespace: "pgconf",
    name: "max_connections",
    category: "Connections and Authentication",
    description: "Sets the maximum number of concurrent connections.",
    type: "integer",
    defaultValue: "100",
    min: 25,
    max: 5000,
    restart: true,
  },
  {
    namespace: "pgconf",
    name: "work_mem",
    category: "Resource Usage",
    description: "Sets the maximum memory to be used for query workspaces.",
    type: "bytes",
    defaultValue: "4MB",
  },
  {
    namespace: "pgconf",
    name: "maintenance_work_mem",
    category: "Resource Usage",
    description: "Sets the maximum memory to be used for maintenance operations.",
    type: "bytes",
    defaultValue: "64MB",
  },
  {
    namespace: "pgconf",
    name: "statement_timeout",
    category: "Client Connection Defaults",
    description: "Sets the maximum allowed duration of any statement, in milliseconds (0 turns it off).",
    type: "integer",
    defaultValue: "0",
    min: 0,
    max: 2147483647,
  },
  {
    namespace: "pgconf",
    name: "log_min_duration_statement",
    category: "Reporting and Logging",
    description: "Logs statements that run at least this many milliseconds (-1 turns it off).",
    type: "integer",
    defaultValue: "-1",
    min: -1,
    max: 2147483647,
  },
  {
    namespace: "pgconf",
    name: "random_page_cost",
    category: "Query Tuning",
    description: "Sets the planner's estimate of the cost of a nonsequentially fetched disk page.",
    type: "float",
    defaultValue: "4",
    min: 0,
    max: 1.79769e308,
  },
  {
    namespace: "pgconf",
    name: "jit",
    category: "Query Tuning",
    description: "Allows JIT compilation.",
    type: "boolean",
    defaultValue: "on",
  },
  {
    namespace: "pgbouncer",
    name: "default_pool_size",
    category: "Pool",
    description: "How many server connections to allow per user/database pair.",
    type: "integer",
    defaultValue: "20",
    min: 1,
    max: 10000,
  },
  {
    namespace: "pgbouncer",
    name: "pool_mode",
    category: "Pool",
    description: "When a server connection can be reused by other clients.",
    type: "select",
    defaultValue: "transaction",
    options: ["session", "transaction", "statement"],
  },
];

/** The catalogue entry of `namespace`.`name`, if any. */
export function parameterSpec(namespace: string, name: string): ParameterSpec | undefined {
  return PARAMETERS.find((p) => p.namespace === namespace && p.name === name);
}

/** Why `value` is not a valid value of `spec`, or undefined when it is. */
function valueProblem(spec: ParameterSpec, value: string): string | undefined {
  switch (spec.type) {
    case "boolean":
      return /^(on|off|true|false)$/.test(value) ? undefined : "must be on, off, true or false";
    case "bytes":
      return /^\d+(kB|MB|GB|TB)?$/.test(value) ? undefined : "must be a size such as 4MB, 512kB or 1GB";
    case "select":
      return spec.options?.includes(value) ? undefined : `must be one of ${spec.options?.join(", ")}`;
    case "integer":
    case "float": {
      const pattern = spec.type === "integer" ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
      if (!pattern.test(value)) return `must be ${spec.type === "integer" ? "an integer" : "a number"}`;
      const n = Number(value);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        return `must be between ${spec.min} and ${spec.max}`;
      }
      return undefined;
    }
  }
}

/** One refused parameter, in planetscale-go's `parameterErrorsToError` shape. */
export interface ParameterError {
  namespace: string;
  name: string;
  errors: string[];
}

/** Every problem of `values` against the catalogue (unknown namespaces and names, bad values). */
export function parameterErrors(values: ParameterValues): ParameterError[] {
  const out: ParameterError[] = [];
  for (const [namespace, entries] of Object.entries(values)) {
    for (const [name, value] of Object.entries(entries)) {
      const spec = parameterSpec(namespace, name);
      const problem =
        spec === undefined ? `is not a parameter of the ${namespace} namespace` : valueProblem(spec, value);
      if (problem !== undefined) out.push({ namespace, name, errors: [`${name} ${problem}`] });
    }
  }
  return out;
}
