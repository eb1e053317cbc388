// scripts/bin/pulumi runs commands that never run a program (`stack`, `config`, ...) straight on the
// CLI of PULUMI_PLANETSCALE_CLI_DIR, without a Node.js process, and must give that CLI exactly what
// scripts/pulumi.mjs gives it on the other path: arguments, directory, PATH and settings. A stand-in
// CLI prints what it got; a stand-in `node` first on PATH records every Node.js start.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runProcess } from "../support/process";

const launcher = join(__dirname, "..", "..", "scripts", "bin", "pulumi");

describe("scripts/bin/pulumi", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const started = () => join(dir, "node-started");

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pps-launcher-"));
    mkdirSync(join(dir, "cli"));
    mkdirSync(join(dir, "node-bin"));
    mkdirSync(join(dir, "project"));
    writeFileSync(
      join(dir, "cli", "pulumi"),
      [
        "#!/bin/bash",
        'echo "args=$*"',
        'echo "cwd=$PWD"',
        'echo "PATH=$PATH"',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansions
        'echo "settings=${PULUMI_SKIP_UPDATE_CHECK-unset} ${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION-unset} INIT_CWD=${INIT_CWD-unset}"',
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "node-bin", "node"),
      `#!/bin/bash\necho "$*" >> ${JSON.stringify(started())}\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
    );
    chmodSync(join(dir, "cli", "pulumi"), 0o755);
    chmodSync(join(dir, "node-bin", "node"), 0o755);
    env = {
      ...Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^(PULUMI_|INIT_CWD$|npm_)/i.test(k)),
      ),
      PATH: [join(dir, "node-bin"), process.env["PATH"]].join(delimiter),
      PULUMI_PLANETSCALE_CLI_DIR: join(dir, "cli"),
      // As `npm run` leaves it: the launcher must drop it on both paths.
      INIT_CWD: "/elsewhere",
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[], extra: NodeJS.ProcessEnv = {}) {
    rmSync(started(), { force: true });
    const r = await runProcess(launcher, args, { cwd: join(dir, "project"), env: { ...env, ...extra } });
    assert.equal(r.code, 0, r.stderr);
    return { stdout: r.stdout, nodeStarted: existsSync(started()) };
  }

  test("`stack` and `config` reach the CLI without a Node.js start, with what the Node.js path gives it", async () => {
    // `about` runs no program either, but is not on the direct list: the Node.js path.
    const viaNode = await run(["about", "--json"]);
    assert.equal(viaNode.nodeStarted, true);
    for (const args of [
      ["stack", "output", "url", "--show-secrets"],
      ["config", "set", "pr", "42"],
    ]) {
      const direct = await run(args);
      assert.equal(direct.nodeStarted, false, `${args[0]}: no Node.js process`);
      assert.equal(direct.stdout, viaNode.stdout.replace("args=about --json", `args=${args.join(" ")}`));
    }
    assert.match(viaNode.stdout, /^settings=true true INIT_CWD=unset$/m);
    assert.match(viaNode.stdout, new RegExp(`^PATH=${join(dir, "cli")}${delimiter}`, "m"));
  });

  test("settings the caller made are kept on the direct path", async () => {
    const direct = await run(["stack", "ls"], {
      PULUMI_SKIP_UPDATE_CHECK: "false",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "",
    });
    assert.match(direct.stdout, /^settings=false {2}INIT_CWD=unset$/m);
  });

  test("a command that runs the program still gets the language host from Node.js", async () => {
    const preview = await run(["preview", "--non-interactive"]);
    assert.equal(preview.nodeStarted, true);
    assert.match(preview.stdout, /^args=preview --non-interactive --client=127\.0\.0\.1:\d+$/m);
  });
});
