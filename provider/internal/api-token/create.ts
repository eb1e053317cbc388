import type * as pulumi from "@pulumi/pulumi";
import type { ServiceTokenAccess } from "../api/schemas";
import * as serviceTokens from "../api/service-tokens";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError, ResponseValidationError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { createBody } from "../inputs/property-api";
import { stackOf } from "../inputs/props";
import { recordIntent } from "../ownership/journal";
import { GrantNotAppliedError, InvalidInputError } from "../resource-errors";
import { createOnce } from "./create-once";
import { grantAccesses } from "./grant";
import { desiredGrants, type Grant, planChanges } from "./grants";
import { grantsOf, type ResolvedApiTokenInputs, secretOf, toOutputs } from "./outputs";
import { API_TOKEN_PROPERTIES } from "./properties";
import { describe, KIND, message, resolved } from "./shared";

type Props = Record<string, unknown>;

/**
 * Creates the token and grants its accesses, all or nothing: if a grant fails, the token is
 * deleted again.
 */
export async function create(ctx: ProviderContext, props: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = resolved(props);
  const client = ctx.client();
  const { organization } = inputs;
  // `ttl` from `ttl`, or from `expiresAt` as of now (see API_TOKEN_PROPERTIES).
  const body: serviceTokens.CreateServiceTokenBody = createBody(API_TOKEN_PROPERTIES, inputs, Date.now());
  if (body.ttl !== undefined && body.ttl <= 0) {
    throw new InvalidInputError(
      `cannot create ${describe(inputs)}: expiresAt '${inputs.expiresAt}' has passed; set a later time`,
    );
  }
  const desired = desiredGrants(organization, inputs);
  // Until the create returns or throws (the token granted, or deleted again), a killed host leaves
  // this record for `recover`: a token whose value was lost must not stay alive.
  const stack = stackOf(props);
  const settled = recordIntent(client, { kind: KIND, organization, name: inputs.name, stack }, (m) =>
    ctx.log(m),
  );
  try {
    return await createGranted(ctx, client, inputs, body, desired, stack);
  } finally {
    settled();
  }
}

/** Creates the token and grants its accesses; deletes it again when granting fails. */
async function createGranted(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  body: serviceTokens.CreateServiceTokenBody,
  desired: Grant[],
  stack: string | undefined,
): Promise<pulumi.dynamic.CreateResult> {
  const { organization } = inputs;
  const created = await createOnce(ctx, client, inputs, body, stack);
  if (typeof created.token !== "string" || created.token === "") {
    await rollback(ctx, client, inputs, created.id, "PlanetScale's answer carried no token secret");
    throw new ResponseValidationError(
      `${describe(inputs, created.id)} was created without a secret in PlanetScale's answer; it was deleted again`,
    );
  }
  const secret = secretOf(created.id, created.token);

  let grants: Grant[];
  try {
    // The token is new and holds nothing: what the grants' answers list is all it holds, so
    // they are not read back (unless an answer came without its list).
    let granted: ServiceTokenAccess[] | undefined = [];
    for (const change of planChanges(desired, []).add) {
      const answer = await grantAccesses(client, organization, created.id, change);
      granted = answer === undefined || granted === undefined ? undefined : [...granted, ...answer];
    }
    grants = await effectiveGrants(ctx, client, inputs, created.id, desired, granted);
  } catch (error) {
    await rollback(ctx, client, inputs, created.id, message(error));
    throw error;
  }
  return { id: created.id, outs: toOutputs(created, inputs, grants, secret) };
}

/**
 * The grants PlanetScale reports after granting: from the grants' own answers (`granted`), or,
 * when one came without its list, from listing the token's accesses. A token missing any
 * requested access is refused (and then deleted by the caller): never leave a token with partial
 * access. If the list itself cannot be read, the grants just made are reported.
 */
async function effectiveGrants(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  id: string,
  desired: Grant[],
  granted: ServiceTokenAccess[] | undefined,
): Promise<Grant[]> {
  let accesses: ServiceTokenAccess[];
  try {
    accesses = granted ?? (await serviceTokens.listServiceTokenAccesses(client, inputs.organization, id));
  } catch (error) {
    ctx.log(
      `${describe(inputs, id)}: could not list its accesses after granting them (${message(error)}); reporting the requested ones`,
    );
    return desired;
  }
  const actual = grantsOf(inputs.organization, accesses);
  const missing = planChanges(desired, actual).add;
  if (missing.length > 0) {
    const what = missing.map(
      (m) => `${m.database ? `database ${m.database}` : "organization"}: ${m.access.join(", ")}`,
    );
    throw new GrantNotAppliedError(
      `PlanetScale accepted the grants of ${describe(inputs, id)} but does not list these accesses: ${what.join("; ")}. ` +
        "The credential Pulumi uses may only grant accesses it holds itself.",
    );
  }
  return actual;
}

/** Deletes a token whose grants failed. Reports (without throwing) when that fails too. */
async function rollback(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  id: string,
  reason: string,
): Promise<void> {
  try {
    await serviceTokens.deleteServiceToken(client, inputs.organization, id);
    ctx.log(`${describe(inputs, id)} was deleted again because granting its accesses failed (${reason})`);
  } catch (error) {
    if (error instanceof NotFoundError) return;
    ctx.log(
      `${describe(inputs, id)} could not be deleted after granting its accesses failed (${message(error)}). ` +
        `It may hold only some of its accesses: delete it by hand (pscale service-token delete ${id} --org ${inputs.organization}, ` +
        "or the organization's Settings → Service tokens page).",
    );
  }
}
