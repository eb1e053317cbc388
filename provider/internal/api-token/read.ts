import type * as pulumi from "@pulumi/pulumi";
import { confirmGone } from "../api/gone";
import type { ServiceToken, ServiceTokenAccess } from "../api/schemas";
import * as serviceTokens from "../api/service-tokens";
import { NotFoundError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { recordedOrganization } from "../inputs/organization";
import { inputsFromOutputs } from "../inputs/property-table";
import { stringOr, userInputs } from "../inputs/props";
import { InvalidInputError } from "../resource-errors";
import { deleteExpiredToken, isExpired, recordedAsOurs } from "./expired";
import { ApiTokenInputs } from "./inputs";
import {
  carriedSecret,
  grantsOf,
  REQUESTED_EXPIRES_AT,
  type ResolvedApiTokenInputs,
  toOutputs,
} from "./outputs";
import { API_TOKEN_PROPERTIES } from "./properties";

type Props = Record<string, unknown>;

/**
 * Refreshes the token: its accesses (and, read by id, the token itself). A token deleted outside
 * Pulumi reads as gone once a 404 is proven not to be a missing permission; an expired one of
 * ours is deleted.
 */
export async function read(
  ctx: ProviderContext,
  id: string,
  props: Props,
): Promise<pulumi.dynamic.ReadResult> {
  const organization = recordedOrganization(ctx, props);
  if (!organization) {
    throw new InvalidInputError(
      "cannot read an ApiToken without its organization (pass `organization` when reading by id)",
    );
  }
  const client = ctx.client();
  // A refresh of a token this stack created reads only its accesses: everything else PlanetScale
  // says about a token (id, name, creation, expiry) never changes, and the accesses of a token
  // that no longer exists answer 404 like the token itself.
  const known = knownToken(id, props);
  let token: ServiceToken;
  let accesses: ServiceTokenAccess[];
  try {
    token = known ?? (await serviceTokens.getServiceToken(client, organization, id));
    if (isExpired(token, Date.now())) {
      // Ours (recorded in the state): deleted, not just forgotten. Someone else's: only reported.
      if (recordedAsOurs(props, id)) await deleteExpiredToken(ctx, client, organization, token);
      else
        ctx.log(`service token ${id} of ${organization} expired at ${token.expires_at}; reporting it gone`);
      return {};
    }
    accesses = await serviceTokens.listServiceTokenAccesses(client, organization, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      // A 404 also means "no permission": only report the token gone once the credential is proven to work.
      await confirmGone(client, organization, error);
      return {};
    }
    throw error;
  }
  const previous = userInputs(props);
  // Read by id (`opts.id`) passes the program's inputs: their expiresAt is the requested one.
  const requested =
    previous[REQUESTED_EXPIRES_AT] ?? (previous["tokenId"] === undefined ? previous["expiresAt"] : undefined);
  const echoed =
    ApiTokenInputs.partial().safeParse({
      ...inputsFromOutputs(API_TOKEN_PROPERTIES, previous),
      expiresAt: requested,
    }).data ?? {};
  const inputs = {
    ...echoed,
    organization,
    name: token.name ?? stringOr(previous["name"]) ?? id,
  } as ResolvedApiTokenInputs;
  const outputs = toOutputs(token, inputs, grantsOf(organization, accesses), carriedSecret(previous));
  return { id: token.id, props: outputs, inputs: inputsFromOutputs(API_TOKEN_PROPERTIES, outputs) };
}

/**
 * The token as this stack's outputs recorded it, when they hold all of its immutable fields (not
 * for a read by id, whose props are the program's inputs).
 */
function knownToken(id: string, props: Props): ServiceToken | undefined {
  const { tokenId, name, createdAt, expiresAt } = props;
  if (tokenId !== id || typeof name !== "string" || typeof createdAt !== "string") return undefined;
  if (expiresAt !== null && typeof expiresAt !== "string") return undefined;
  const token: ServiceToken = { id, name, created_at: createdAt, expires_at: expiresAt };
  return token;
}
