// The stand-in language host (scripts/lib/program-host.cjs) applies a project's `runtime.options`
// as the real host does, although under `--client` the CLI sends it only the host's own address
// (pkg/cmd/pulumi/operations/io.go replaces the project's runtime by `client`).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ProgramInfo } from "@pulumi/pulumi/proto/language_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

const { nodeOptions } = createRequire(__filename)("../../scripts/lib/program-host.cjs") as {
  nodeOptions: (info: ProgramInfo) => { typescript: boolean; tsconfig: string; nodeargs: string };
};

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The ProgramInfo the CLI sends a `--client` host for a project whose file is `projectFile`. */
function clientRequest(projectFile: string, name = "Pulumi.yaml"): ProgramInfo {
  const dir = mkdtempSync(join(tmpdir(), "pps-host-"));
  dirs.push(dir);
  writeFileSync(join(dir, name), projectFile);
  return new ProgramInfo()
    .setRootDirectory(dir)
    .setProgramDirectory(dir)
    .setEntryPoint(".")
    .setOptions(Struct.fromJavaScript({ address: "127.0.0.1:40000" }));
}

describe("program host: runtime.options", () => {
  test("a JavaScript project's typescript: false (and its nodeargs, tsconfig) apply under --client", () => {
    const info = clientRequest(
      "name: js\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n    nodeargs: --max-old-space-size=256\n    tsconfig: tsconfig.pulumi.json\n",
    );
    assert.deepEqual(nodeOptions(info), {
      typescript: false,
      nodeargs: "--max-old-space-size=256",
      tsconfig: "tsconfig.pulumi.json",
    });
  });

  test("without options (runtime: nodejs), the real host's defaults: TypeScript on", () => {
    assert.deepEqual(nodeOptions(clientRequest("name: ts\nruntime: nodejs\n")), {
      typescript: true,
      nodeargs: "",
      tsconfig: "",
    });
  });

  test("a Pulumi.yml is read too, and a bad option is refused naming it", () => {
    const info = clientRequest(
      "name: js\nruntime:\n  name: nodejs\n  options:\n    typescript: 'no'\n",
      "Pulumi.yml",
    );
    assert.throws(() => nodeOptions(info), /typescript option must be a boolean/);
  });
});
