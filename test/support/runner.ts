/**
 * A stand-in for a CI runner: a temporary "checkout" with a Pulumi project in `infra/`, and a
 * `bin/` put first on PATH whose `pulumi` is this repository's CLI stand-in (scripts/pulumi.mjs:
 * the real Pulumi CLI with the Node.js language host stand-in). `npm ci` is answered from the
 * dependencies already linked into `infra/node_modules` (no registry access in tests).
 */
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

const repoRoot = join(__dirname, "..", "..");

export interface Runner {
  /** The checked-out repository; the Pulumi project is in `infra/`. */
  checkout: string;
  /** Where the file backend keeps stacks (the value of the PULUMI_BACKEND_URL secret). */
  backendUrl: string;
  /** The runner's environment: PATH with `pulumi`, a private PULUMI_HOME, no caller settings. */
  baseEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  cleanup(): void;
}

/**
 * Creates the runner. `project` maps file names in `infra/` to their contents or to a path in
 * this repository (`{ from: "examples/…" }`) to copy.
 */
export function createRunner(
  project: Record<string, string | { from: string }>,
  cliDir: string,
  options: { stubNpm?: boolean } = {},
): Runner {
  const dir = mkdtempSync(join(tmpdir(), "pps-runner-"));
  const checkout = join(dir, "checkout");
  const infra = join(checkout, "infra");
  const bin = join(dir, "bin");
  mkdirSync(infra, { recursive: true });
  mkdirSync(bin);
  mkdirSync(join(dir, "state"));
  for (const [name, content] of Object.entries(project)) {
    if (typeof content === "string") writeFileSync(join(infra, name), content);
    else cpSync(join(repoRoot, content.from), join(infra, name));
  }
  // Installed dependencies: this repository's node_modules, where pulumi-planetscale links to it.
  symlinkSync(join(repoRoot, "node_modules"), join(infra, "node_modules"), "dir");
  const shim = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  // What the pulumi/actions step installs: `pulumi`, run from the step's directory.
  shim("pulumi", `unset INIT_CWD\nexec "${process.execPath}" "${join(repoRoot, "scripts/pulumi.mjs")}" "$@"`);
  if (options.stubNpm !== false)
    shim(
      "npm",
      [
        "if [[ $1 == ci ]]; then",
        '  [[ -f package.json && -d node_modules/@pulumi/pulumi ]] || { echo "npm ci: no package.json or dependencies in $PWD" >&2; exit 1; }',
        '  echo "dependencies already installed"; exit 0',
        "fi",
        'echo "npm $1: not available on this test runner" >&2; exit 1',
      ].join("\n"),
    );
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(PULUMI_|PLANETSCALE_|INIT_CWD$|npm_)/.test(k)),
  );
  return {
    checkout,
    backendUrl: `file://${join(dir, "state")}`,
    baseEnv: (extra = {}) => ({
      ...inherited,
      PATH: [bin, cliDir, inherited["PATH"] ?? ""].join(delimiter),
      PULUMI_HOME: join(dir, "pulumi-home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_PLANETSCALE_CLI_DIR: cliDir,
      ...extra,
    }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
