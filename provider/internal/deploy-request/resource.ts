import type { ResourceImplementation } from "../dynamic/resource-implementation";
import { check } from "./check";
import { create } from "./create";
import { remove } from "./delete";
import { diff } from "./diff";
import { read } from "./read";
import { update } from "./update";

/** The DeployRequest provider methods, dispatched by the provider runtime. */
export const deployRequestResource: ResourceImplementation = {
  check,
  diff,
  create,
  read,
  update,
  delete: remove,
};
