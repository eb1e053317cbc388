// Keeps the opt-in acceptance suite (test/acceptance, real PlanetScale) working: runs it against
// the emulator, through environment variables only, exactly as a user would run it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { emulator } from "../support/emulator";
import { runProcess } from "../support/process";

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
    const run = await runProcess(
      process.execPath,
      ["--import", "tsx", "--test", "--test-reporter=tap", "test/acceptance/planetscale.test.ts"],
      { cwd: repoRoot, env },
    );
    const result = { code: run.code, output: run.stdout + run.stderr };
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /# pass 2/);
    assert.match(result.output, /# skipped 0/);
    assert.ok(!result.output.includes(emu.adminCredential.token));
  } finally {
    await emu.stop();
  }
});
