import type { PlanetScaleClient } from "../client/client";
import { databasePath, organizationPath } from "./paths";
import { Database, Organization } from "./schemas";

/** `GET /organizations/{org}`. */
export function getOrganization(client: PlanetScaleClient, organization: string): Promise<Organization> {
  return client.request({ method: "GET", path: organizationPath(organization), schema: Organization });
}

/** `GET /organizations/{org}/databases/{db}` (carries `default_branch`, `state`, `ready`). */
export function getDatabase(
  client: PlanetScaleClient,
  organization: string,
  database: string,
): Promise<Database> {
  return client.request({ method: "GET", path: databasePath(organization, database), schema: Database });
}
