import type { DeployOperation, DeployRequest } from "../api/deploy-request-schemas";

/** One operation of a deploy request, in this package's names. */
export interface DeployOperationInfo {
  /** The table it changes. */
  table: string;
  /** `create`, `alter` or `drop` (PlanetScale's `operation_name`). */
  operation: string;
  /** The statement it runs. */
  ddl: string;
  /** Whether running it can drop data. */
  canDropData: boolean;
}

function operations(request: DeployRequest): DeployOperation[] {
  return request.deployment?.deploy_operations ?? [];
}

/** The operations of a deploy request as PlanetScale reports them. */
export function operationsOf(request: DeployRequest): DeployOperationInfo[] {
  return operations(request).map((op) => ({
    table: op.table_name ?? "",
    operation: op.operation_name ?? "",
    ddl: op.ddl_statement ?? "",
    canDropData: op.can_drop_data === true,
  }));
}

/** The DDL of each operation, in order. */
export function ddlOf(request: DeployRequest): string[] {
  return operationsOf(request).map((op) => op.ddl);
}

/** The DDL of the operations that can drop data. */
export function droppingDdl(request: DeployRequest): string[] {
  return operationsOf(request)
    .filter((op) => op.canDropData)
    .map((op) => op.ddl);
}

/** PlanetScale's lint errors, as `CODE (table): description`. */
export function lintErrorsOf(request: DeployRequest): string[] {
  return (request.deployment?.lint_errors ?? []).map(
    (e) =>
      `${e.lint_error}${e.table_name ? ` (${e.table_name})` : ""}${e.error_description ? `: ${e.error_description}` : ""}`,
  );
}
