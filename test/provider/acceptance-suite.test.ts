// Keeps the opt-in acceptance suite (test/acceptance, real PlanetScale) working: runs it against
// the emulator, through environment variables only, exactly as a user would run it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { emulator } from "../support/emulator";

const repoRoot = join(__dirname, "..", "..");

test("the acceptance suite passes against the emulator", async () => {
  const emu = await emulator({ readyDelayMs: 500 });
  try {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env["PATH"],
      HOME: process.env["HOME"],
      PLANETSCALE_ACCEPTANCE: "1",
      PLANETSCALE_API_URL: emu.apiUrl,
      PLANETSCALE_ORG: emu.organization,
      PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
      PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
      PLANETSCALE_TEST_DATABASE: "app",
    };
    // Asynchronous: the emulator answers from this process while the suite runs.
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "--test", "--test-reporter=tap", "test/acceptance/planetscale.test.ts"],
        {
          cwd: repoRoot,
          env,
        },
      );
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d));
      child.stderr.on("data", (d: Buffer) => (output += d));
      child.on("close", (code) => resolve({ code, output }));
    });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /# pass 2/);
    assert.match(result.output, /# skipped 0/);
    assert.ok(!result.output.includes(emu.adminCredential.token));
  } finally {
    await emu.stop();
  }
});
