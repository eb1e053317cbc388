import type { ResourceImplementation } from "../dynamic/resource-implementation";
import { check } from "./check";
import { create } from "./create";
import { remove } from "./delete";
import { diff } from "./diff";
import { read } from "./read";
import { update } from "./update";

/** The Database provider methods, dispatched by the provider runtime. */
export const databaseResource: ResourceImplementation = { check, diff, create, read, update, delete: remove };
