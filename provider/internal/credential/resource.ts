import type { ResourceImplementation } from "../dynamic/resource-implementation";
import { check } from "./check";
import { create } from "./create";
import { remove } from "./delete";
import { diff } from "./diff";
import type { CredentialFlavor } from "./flavor";
import { read } from "./read";
import { update } from "./update";

/**
 * The provider methods of a connection credential of one flavor: a MySQL password or a Postgres
 * role. Each method is a named function of its own file, taking the flavor first.
 */
export function credentialResource(flavor: CredentialFlavor): ResourceImplementation {
  return {
    check: (ctx, olds, news) => check(flavor, ctx, olds, news),
    diff: (ctx, id, olds, news) => diff(flavor, ctx, id, olds, news),
    create: (ctx, inputs) => create(flavor, ctx, inputs),
    read: (ctx, id, props) => read(flavor, ctx, id, props),
    update: (ctx, id, olds, news) => update(flavor, ctx, id, olds, news),
    delete: (ctx, id, props) => remove(flavor, ctx, id, props),
  };
}
