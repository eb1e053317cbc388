// Level 4: the concurrent same-name race of issue 21, through the real Pulumi CLI: two stacks of one
// state backend, one service token, one branch name at once, the first POST answered 503. The stack
// whose answer was lost finds the other's branch (created after its request, by its token) and must
// not take it: the other stack's pending create is in the backend before its POST. One backend,
// two stacks, their steps in order; proxies hold requests at chosen points (no timers).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { LocalWorkspace, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import type * as planetscale from "pulumi-planetscale";
import type { Emulator } from "../support/emulator";
import { createTestStack, readBackFromFiles, skipWithoutCli, type TestStack } from "../support/engine";
import { HoldProxy } from "../support/hold-proxy";
import { expectingProgramFailure } from "../support/program-failure";
import { type Deployment, StackFiles } from "../support/stack-files";

const ps: typeof planetscale = require("pulumi-planetscale");
const BRANCHES = "/organizations/acme/databases/app/branches";
const NAME = "race-7";

const branchProgram =
  (extra: Partial<planetscale.BranchArgs> = {}): PulumiFn =>
  async () => {
    const b = new ps.Branch("br", { database: "app", name: NAME, ...extra });
    return { id: b.id };
  };

describe("two stacks, one token, one backend, one branch name at once", { skip: skipWithoutCli }, () => {
  let emulator: Emulator;
  let proxyA: HoldProxy;
  let proxyB: HoldProxy;
  /** Stack `test` (a): its answer is the one lost. */
  let a: TestStack;
  /** Stack `other` (b), in a's backend and project, with the same token. */
  let b: Stack;
  /** b's checkpoint and history, read from the backend's files (as `pulumi stack export` reads them). */
  let bFiles: StackFiles;

  before(async () => {
    // a's own emulator: it stops with a, so nothing needs destroying at the end.
    a = await createTestStack({ program: branchProgram() });
    emulator = a.emulator;
    proxyA = await HoldProxy.start(emulator.apiUrl);
    proxyB = await HoldProxy.start(emulator.apiUrl);
    await a.stack.setConfig("planetscale:apiUrl", { value: proxyA.apiUrl });
    b = await LocalWorkspace.createStack(
      { stackName: "other", projectName: "e2e", program: branchProgram() },
      { workDir: a.workDir, envVars: a.env, pulumiCommand: a.stack.workspace.pulumiCommand },
    );
    bFiles = new StackFiles({
      projectDir: a.workDir,
      stateDir: join(a.workDir, "state"),
      project: "e2e",
      stack: "other",
      passphrase: a.env["PULUMI_CONFIG_PASSPHRASE"] as string,
    });
    readBackFromFiles(b, bFiles);
    await b.setAllConfig({
      "planetscale:serviceTokenId": { value: emulator.adminCredential.id },
      "planetscale:serviceToken": { value: emulator.adminCredential.token, secret: true },
      "planetscale:apiUrl": { value: proxyB.apiUrl },
      "planetscale:organization": { value: emulator.organization },
    });
  });
  after(async () => {
    // No destroy: it would assert nothing, and through a closed proxy it retried for a minute.
    await proxyA?.close();
    await proxyB?.close();
    await a?.cleanup();
  });

  const branchIds = () =>
    emulator
      .snapshot()
      .branches.filter((br) => br.name === NAME)
      .map((br) => br.id);
  /** The branches a stack's state holds (`a` or `b`), read from the backend's files. */
  const heldIds = async (stack: "a" | "b") => {
    const deployment: Deployment = stack === "a" ? await a.exportState() : bFiles.deployment();
    return deployment.resources.filter((r) => r.type.endsWith(":Branch")).map((r) => r.id);
  };

  test("the stack whose answer was lost fails naming the stack that is creating the name; that one ends up holding it alone", async () => {
    // a's POST is answered 503 without being applied; a then looks the name up: held there.
    emulator.setFaults({ rules: [{ method: "POST", path: `${BRANCHES}`, action: "status", status: 503 }] });
    const aLooksUp = proxyA.hold({ method: "GET", path: `${BRANCHES}/${NAME}`, phase: "before" });
    const runA = expectingProgramFailure(() => a.stack.up()).then(
      () => undefined,
      (error: Error) => error,
    );
    assert.equal(await Promise.race([aLooksUp.then(() => "held"), runA.then(() => "ended")]), "held");
    assert.deepEqual(
      emulator
        .requests()
        .filter((r) => r.method === "POST")
        .map((r) => r.status),
      [503],
      "a's only POST was refused by the fault",
    );

    // b creates the name; its answer is held after PlanetScale acted, so b's create is under way.
    const bPosted = proxyB.hold({ method: "POST", path: BRANCHES, phase: "after" });
    const runB = b.up({ color: "never" });
    await bPosted;
    const [made] = branchIds();
    assert.ok(made, "b's create made the branch");

    // a's lookup goes on (its connection dropped, the GET is retried) and finds b's branch.
    proxyA.dropHeld();
    const refused = await runA;
    assert.ok(refused instanceof Error, "a's up failed");
    assert.match(
      refused.message,
      new RegExp(
        `branch '${NAME}' .*\\(id ${made}\\).*stack organization/e2e/other has a create of .*${NAME}.* under way or interrupted.*Nothing was deleted or taken over`,
        "s",
      ),
    );

    // b's answer is lost too: b finds its branch, no other stack holds it or is creating it, b takes it.
    proxyB.dropHeld();
    assert.equal((await runB).summary.result, "succeeded");
    assert.deepEqual(branchIds(), [made], "one branch of that name");
    assert.deepEqual(await heldIds("b"), [made], "b holds it");
    assert.deepEqual(await heldIds("a"), [], "a holds nothing");
  });

  test("adopt: true refuses a branch another stack holds, naming it; nothing is taken", async () => {
    const [theirs] = branchIds();
    a.setProgram(branchProgram({ adopt: true }));
    const refused = await expectingProgramFailure(() => a.stack.up()).then(
      () => undefined,
      (error: Error) => error,
    );
    assert.match(
      String(refused?.message),
      new RegExp(
        `cannot adopt branch '${NAME}' .*\\(id ${theirs}\\): stack organization/e2e/other holds it`,
        "s",
      ),
    );
    assert.deepEqual(await heldIds("a"), []);
    assert.deepEqual(await heldIds("b"), [theirs]);
    await b.preview({ expectNoChanges: true, color: "never" });
  });

  test("a stack deployed before resources named their stack previews and ups with no change and no API call", async () => {
    // b's state as an older version wrote it: no `__stack` among the branch's inputs.
    const exported = await b.exportStack();
    const branchInputs = () =>
      exported.deployment.resources.find((r: { type: string }) => r.type.endsWith(":Branch")).inputs;
    assert.equal(branchInputs().__stack, "other", "this version records the stack");
    delete branchInputs().__stack;
    await b.importStack(exported);
    emulator.clearRequests();
    const preview = await b.preview({ color: "never", diff: true });
    assert.deepEqual(preview.changeSummary, { same: 2 }, "no change to show");
    assert.doesNotMatch(preview.stdout, /__stack/);
    await b.up({ color: "never" });
    assert.deepEqual(emulator.requests(), [], "nothing asked of PlanetScale");
    const branch = bFiles.deployment().resources.find((r) => r.type.endsWith(":Branch"));
    assert.equal(branch?.inputs?.["__stack"], "other", "the next up records it");
  });
});
