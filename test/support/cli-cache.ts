/**
 * Where scripts/pulumi-cli.sh keeps a built Pulumi CLI: `<cache>/cli/v<version>-<recipe>/bin`, the
 * recipe read from the script (it names how the CLI is built; a new one builds again). Tests that
 * give a fresh shell its own cache put the suite's CLI there, as a first build would leave it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const script = join(__dirname, "..", "..", "scripts", "pulumi-cli.sh");

/** The build recipe scripts/pulumi-cli.sh names its cache directories by. */
export const CLI_BUILD_RECIPE = (() => {
  const recipe = /^recipe=(\S+)$/m.exec(readFileSync(script, "utf8"))?.[1];
  if (!recipe) throw new Error(`${script} sets no recipe=`);
  return recipe;
})();

/** The directory of a cached build of the CLI at `version` (e.g. `v3.248.0`) under `cache`. */
export function cachedCliDir(cache: string, version: string): string {
  return join(cache, "cli", `${version}-${CLI_BUILD_RECIPE}`, "bin");
}
