import type { Handler, Route } from "./http/context";
import { badRequest } from "./http/errors";
import { backupRoutes } from "./routes/backups";
import { branchRoutes } from "./routes/branches";
import { catalogueRoutes } from "./routes/catalogue";
import { changeRoutes } from "./routes/changes";
import { databaseSettingsRoutes } from "./routes/database-settings";
import { databaseRoutes } from "./routes/databases";
import { deployActionRoutes } from "./routes/deploy-actions";
import { deployRequestRoutes } from "./routes/deploy-requests";
import { organizationRoutes } from "./routes/organizations";
import { passwordRoutes } from "./routes/passwords";
import { resizeRoutes } from "./routes/resizes";
import { roleRoutes } from "./routes/roles";
import { schemaRoutes } from "./routes/schema";
import { serviceTokenRoutes } from "./routes/service-tokens";

/** Every /v1 route the emulator answers. */
export const ROUTES: readonly Route[] = [
  ...organizationRoutes,
  ...databaseRoutes,
  ...databaseSettingsRoutes,
  ...branchRoutes,
  ...resizeRoutes,
  ...schemaRoutes,
  ...deployRequestRoutes,
  ...deployActionRoutes,
  ...changeRoutes,
  ...catalogueRoutes,
  ...backupRoutes,
  ...passwordRoutes,
  ...roleRoutes,
  ...serviceTokenRoutes,
];

const compiled = ROUTES.map((r) => ({ ...r, segs: r.pattern.split("/") }));

/**
 * Finds the route for `method` and the path after `/v1` (leading slash and one trailing slash
 * tolerated). Path segments are percent-decoded; a bad escape answers 400.
 */
export function match(
  method: string,
  path: string,
): { handler: Handler; params: Record<string, string> } | null {
  const raw = path.replace(/^\/+/, "").replace(/\/$/, "");
  const parts = raw === "" ? [] : raw.split("/");
  for (const r of compiled) {
    if (r.method !== method || r.segs.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length; i++) {
      const seg = r.segs[i]!;
      const part = parts[i]!;
      if (seg.startsWith(":")) {
        if (part === "") {
          ok = false;
          break;
        }
        try {
          params[seg.slice(1)] = decodeURIComponent(part);
        } catch {
          throw badRequest("Malformed percent-encoding in the request path");
        }
      } else if (seg !== part) {
        ok = false;
        break;
      }
    }
    if (ok) return { handler: r.handler, params };
  }
  return null;
}
