// Level 1: provable identity after a create whose outcome is unknown ("What was seen" 1–5 of the
// ownership issue). Each test is a story a user could live through: a foreign object of the same
// name, a sibling resource of the same run, a late-applied request, an unreadable 2xx.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { apiTokenResource as token } from "../../provider/internal/api-token/resource";
import { branchResource as branch } from "../../provider/internal/branch/resource";
import { OwnershipUnprovenError } from "../../provider/internal/resource-errors";
import { branchNames, call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator, TEST_STACK } from "../support/provider-context";

type Props = Record<string, unknown>;
const PROVIDER = "serialized-provider-text";
const BRANCHES = "/organizations/acme/databases/app/branches";
const TOKENS = "/organizations/acme/service-tokens";

let emu: Emulator;
let ctx: ReturnType<typeof contextForEmulator>;
before(async () => {
  emu = await emulator();
  // Short, so a test that finds nothing does not wait 10 s; the late-apply test sets its own.
  ctx = contextForEmulator(emu, { "planetscale:lateCreateWaitMs": "300", "planetscale:maxRetries": "1" });
});
after(async () => emu.stop());
beforeEach(() => emu.setFaults({}));

async function create(impl: typeof branch, inputs: Props, context = ctx) {
  const checked = await impl.check(context, {}, { ...inputs, __provider: PROVIDER, __stack: TEST_STACK });
  assert.deepEqual(checked.failures ?? [], []);
  const result = await impl.create(context, checked.inputs as Props);
  return { id: result.id, outs: result.outs as Props };
}

/** A credential that is not Pulumi's: "someone else" in the stories below. */
async function someoneElse(): Promise<{ id: string; token: string }> {
  const made = await call(emu, "POST", TOKENS, { body: { name: "a-colleague" } });
  assert.equal(made.status, 200);
  await call(emu, "POST", `${TOKENS}/${made.body.id}/access`, {
    body: {
      database: "app",
      access: ["create_branch", "read_branch", "delete_branch"],
    },
  });
  await call(emu, "POST", `${TOKENS}/${made.body.id}/access`, {
    body: {
      access: ["read_organization", "read_service_tokens", "write_service_tokens"],
    },
  });
  return { id: made.body.id, token: made.body.token };
}

function tokensNamed(name: string) {
  return emu.snapshot().serviceTokens.filter((t) => t.name === name);
}

/** Whether a token secret still authenticates. */
async function works(tokenId: unknown, secret: unknown): Promise<boolean> {
  const res = await call(emu, "GET", "/organizations/acme", {
    cred: { id: String(tokenId), token: String(secret) },
  });
  return res.status === 200;
}

describe("a branch found after an unknown outcome", () => {
  for (const [fault, rule] of [
    ["a 503", { action: "status", status: 503 }],
    ["a dropped connection", { action: "drop" }],
  ] as const) {
    test(`is never taken when it existed before the request (${fault} on the create)`, async () => {
      const name = `team-staging-${rule.action}`;
      const colleague = await someoneElse();
      const theirs = await call(emu, "POST", BRANCHES, { body: { name }, cred: colleague });
      assert.equal(theirs.status, 201);
      emu.setFaults({ rules: [{ method: "POST", path: BRANCHES, ...rule }] });
      await assert.rejects(create(branch, { database: "app", name }), (error: unknown) => {
        assert.ok(error instanceof OwnershipUnprovenError, String(error));
        assert.match(error.message, new RegExp(`id ${theirs.body.id}`));
        // Either fact alone proves it is not ours: it is older than our request, or someone else made it.
        assert.match(error.message, /before this request was sent|not by the service token Pulumi uses/);
        assert.match(error.message, /Nothing was deleted or taken over/);
        return true;
      });
      // Their branch is untouched.
      const after = await call(emu, "GET", `${BRANCHES}/${name}`);
      assert.equal(after.body.id, theirs.body.id);
    });
  }

  test("is never taken when another resource of the same run created it", async () => {
    const first = await create(branch, { database: "app", name: "shared-name" });
    emu.setFaults({ rules: [{ method: "POST", path: BRANCHES, action: "status", status: 503 }] });
    await assert.rejects(create(branch, { database: "app", name: "shared-name" }), (error: unknown) => {
      assert.ok(error instanceof OwnershipUnprovenError, String(error));
      assert.match(error.message, new RegExp(`id ${first.id}`));
      assert.match(error.message, /belongs to the Branch named 'shared-name'/);
      assert.doesNotMatch(error.message, /adopt/);
      return true;
    });
    // Destroying the second resource (which failed to create) cannot touch it; the first still owns it.
    assert.deepEqual(
      (await branchNames(emu)).filter((n) => n === "shared-name"),
      ["shared-name"],
    );
  });

  test("is taken when this request made it, and the answer was lost", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: BRANCHES, action: "fail-after-acting", status: 503 }] });
    const created = await create(branch, { database: "app", name: "lost-answer" });
    assert.equal(created.outs["name"], "lost-answer");
    assert.match(ctx.logs.join("\n"), /lost-answer of acme\/app \(id \w+\) was created by this request/);
  });

  test("is taken when our own request was applied late and the retry hears 'already exists'", async () => {
    emu.setFaults({
      rules: [{ method: "POST", path: BRANCHES, action: "apply-late", delayMs: 50, mode: "drop" }],
    });
    // The lookup right after the drop may or may not see it; either way exactly one branch results.
    const created = await create(branch, { database: "app", name: "late-branch" });
    await emu.lateApplied();
    assert.deepEqual(
      (await branchNames(emu)).filter((n) => n === "late-branch"),
      ["late-branch"],
    );
    const live = await call(emu, "GET", `${BRANCHES}/late-branch`);
    assert.equal(live.body.id, created.id);
  });
});

describe("a branch name that is taken", () => {
  test("by a production branch: adopt is not suggested", async () => {
    await assert.rejects(create(branch, { database: "app", name: "main" }), (error: unknown) => {
      assert.ok(error instanceof OwnershipUnprovenError, String(error));
      assert.match(
        error.message,
        /branch 'main' already exists in acme\/app \(id \w+\)\. It is a production branch: choose another name/,
      );
      assert.doesNotMatch(error.message, /adopt/);
      return true;
    });
  });
});

describe("a 2xx answer that cannot be read", () => {
  const bodies: Array<[string, unknown]> = [
    ["invalid JSON", "{not json"],
    ["an empty body", ""],
    ["the wrong shape", { unexpected: true }],
  ];
  for (const [what, body] of bodies) {
    test(`to a branch create (${what}) is an unknown outcome: the branch is found and kept`, async () => {
      const name = `unreadable-${what.toLowerCase().replace(/\W+/g, "-")}`;
      emu.setFaults({
        rules: [{ method: "POST", path: BRANCHES, action: "fail-after-acting", status: 201, body }],
      });
      const created = await create(branch, { database: "app", name });
      assert.equal((await call(emu, "GET", `${BRANCHES}/${name}`)).body.id, created.id);
    });

    test(`to a token create (${what}) is an unknown outcome: the secretless token is deleted, a new one made`, async () => {
      const name = `unreadable-token-${what.replace(/\W+/g, "-")}`;
      emu.setFaults({
        rules: [{ method: "POST", path: TOKENS, action: "fail-after-acting", status: 200, body }],
      });
      const created = await create(token, { name, scopes: ["read_only"], databases: ["app"], ttl: "1h" });
      assert.deepEqual(
        tokensNamed(name).map((t) => t.id),
        [created.id],
      );
      assert.ok(await works(created.outs["tokenId"], created.outs["token"]));
    });
  }
});

describe("a token create whose outcome is unknown", () => {
  test("never deletes a sibling's token of the same name created at the same moment", async () => {
    // One of two concurrent creates is applied but answered with a 500.
    emu.setFaults({ rules: [{ method: "POST", path: TOKENS, action: "fail-after-acting", status: 500 }] });
    const inputs = { name: "same-name", scopes: ["read_only"], databases: ["app"], ttl: "1h" };
    const [a, b] = await Promise.all([create(token, inputs), create(token, inputs)]);
    assert.notEqual(a.id, b.id);
    assert.deepEqual(
      tokensNamed("same-name")
        .map((t) => t.id)
        .sort(),
      [a.id, b.id].sort(),
    );
    assert.ok(await works(a.outs["tokenId"], a.outs["token"]), "the first token works");
    assert.ok(await works(b.outs["tokenId"], b.outs["token"]), "the second token works");
    for (const id of [a.id, b.id]) {
      const accesses = emu.snapshot().serviceTokens.find((t) => t.id === id)?.accesses ?? [];
      assert.ok(accesses.length > 0, `token ${id} holds its accesses`);
    }
  });

  test("never deletes someone else's token of the same name", async () => {
    const colleague = await someoneElse();
    const theirs = await call(emu, "POST", TOKENS, { body: { name: "pre-existing" }, cred: colleague });
    assert.equal(theirs.status, 200);
    emu.setFaults({ rules: [{ method: "POST", path: TOKENS, action: "fail-after-acting", status: 500 }] });
    const created = await create(token, { name: "pre-existing", scopes: ["read_only"], ttl: "1h" });
    assert.deepEqual(
      tokensNamed("pre-existing")
        .map((t) => t.id)
        .sort(),
      [theirs.body.id, created.id].sort(),
    );
    assert.ok(await works(theirs.body.id, theirs.body.token), "their token still works");
  });

  test("waits for a create applied late, deletes it, and leaves exactly one token", async () => {
    const patient = contextForEmulator(emu, {
      "planetscale:lateCreateWaitMs": "5000",
      "planetscale:maxRetries": "1",
    });
    emu.setFaults({
      rules: [{ method: "POST", path: TOKENS, action: "apply-late", delayMs: 800, status: 500 }],
    });
    const created = await create(token, { name: "late-token", scopes: ["read_only"], ttl: "1h" }, patient);
    await emu.lateApplied();
    assert.deepEqual(
      tokensNamed("late-token").map((t) => t.id),
      [created.id],
    );
    assert.match(
      patient.logs.join("\n"),
      /had been created \(id \w+\) but its secret was lost, so it was deleted/,
    );
  });
});
