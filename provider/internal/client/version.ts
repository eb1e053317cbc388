import * as fs from "node:fs";
import * as path from "node:path";

const PACKAGE_NAME = "pulumi-planetscale";
let cached: string | undefined;

/**
 * This package's version, read from its package.json (found by walking up from this file, which
 * sits at different depths in `provider/` and `dist/provider/`); "0.0.0" if not found.
 */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  cached = "0.0.0";
  for (let dir = __dirname, i = 0; i < 8; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === "string") {
        cached = pkg.version;
        break;
      }
    } catch {
      // no package.json here; keep walking up
    }
  }
  return cached;
}

/** `pulumi-planetscale/<version>`. */
export function userAgent(): string {
  return `${PACKAGE_NAME}/${packageVersion()}`;
}
