// `npm run pulumi -- <args>`: the command and the project directory are read from the arguments
// without mistaking an option's value for the command.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";

// An ES module with top-level await: loaded with import(), as the e2e tests do.
let cli: typeof import("../../scripts/pulumi.mjs");
before(async () => {
  cli = await import("../../scripts/pulumi.mjs");
});

describe("parseCliArgs", () => {
  const cases: Array<[string[], { command: string | undefined; cwd: string | undefined }]> = [
    [["up", "--yes"], { command: "up", cwd: undefined }],
    [["--cwd", "infra", "up"], { command: "up", cwd: "infra" }],
    [["--cwd=infra", "preview"], { command: "preview", cwd: "infra" }],
    [["-C", "infra", "destroy", "--yes"], { command: "destroy", cwd: "infra" }],
    [["-Cinfra", "refresh"], { command: "refresh", cwd: "infra" }],
    [["--color", "never", "-v", "9", "--cwd", "up", "preview"], { command: "preview", cwd: "up" }],
    [["--non-interactive", "stack", "init", "dev"], { command: "stack", cwd: undefined }],
    [["config", "set", "--secret", "planetscale:serviceToken", "up"], { command: "config", cwd: undefined }],
    [["--", "up"], { command: undefined, cwd: undefined }],
    [[], { command: undefined, cwd: undefined }],
  ];
  for (const [args, expected] of cases) {
    test(args.join(" ") || "(nothing)", () => assert.deepEqual(cli.parseCliArgs(args), expected));
  }
});

describe("projectRoot", () => {
  test("finds the nearest Pulumi.yaml above, or keeps the directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "pps-root-"));
    try {
      mkdirSync(join(dir, "project", "src"), { recursive: true });
      writeFileSync(join(dir, "project", "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
      assert.equal(cli.projectRoot(join(dir, "project", "src")), join(dir, "project"));
      assert.equal(cli.projectRoot(join(dir, "project")), join(dir, "project"));
      assert.equal(cli.projectRoot(dir), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
