import { paginate, type RequestContext, type Route, requireOrganization } from "../http/context";
import { renderOrganization } from "./serialize";

/** `GET /organizations`: the organizations the credential belongs to. */
function listOrganizations(ctx: RequestContext) {
  const orgs = ctx.store.data.organizations.filter(
    (o) => ctx.cred.kind === "admin" || ctx.cred.token.organization === o.name,
  );
  return {
    status: 200,
    body: paginate(
      ctx,
      orgs.map((o) => renderOrganization(o, ctx.store)),
      `${ctx.base.apiUrl}/organizations`,
      { totals: false },
    ),
  };
}

/** `GET /organizations/{organization}`: any valid credential of that organization. */
function getOrganization(ctx: RequestContext) {
  const org = requireOrganization(ctx);
  return { status: 200, body: renderOrganization(org, ctx.store) };
}

/** Organization routes. */
export const organizationRoutes: Route[] = [
  { method: "GET", pattern: "organizations", handler: listOrganizations },
  { method: "GET", pattern: "organizations/:organization", handler: getOrganization },
];
