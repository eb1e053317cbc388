// The measures behind `npm run chaos` (scripts/chaos/audit.mjs): each one counts what it claims to,
// against a real emulator, so a chaos figure of 0 means nothing was found, not nothing was looked at.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { StateResource } from "../../scripts/chaos/audit.mjs";
import { call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";

// An ES module: loaded with import(), as the other script tests do.
let audit: typeof import("../../scripts/chaos/audit.mjs");
let emu: Emulator;
before(async () => {
  audit = await import("../../scripts/chaos/audit.mjs");
  emu = await emulator({ readyDelayMs: 0 });
});
after(() => emu.stop());

const BRANCHES = "/organizations/acme/databases/app/branches";
const TOKENS = "/organizations/acme/service-tokens";

/** A state as the audit reads it: one resource per object, with the outputs the audit looks at. */
function state(resources: StateResource[]) {
  return { resources, pending: 0 };
}

describe("chaos audit", () => {
  test("an object made by the run and absent from the state is an orphan; a state entry with no object is lost", async () => {
    const before = audit.objects(emu);
    const kept = (await call(emu, "POST", BRANCHES, { body: { name: "kept" } })).body;
    await call(emu, "POST", BRANCHES, { body: { name: "forgotten" } });
    const declared = [
      { kind: "Branch", name: "kept" },
      { kind: "Branch", name: "gone" },
    ];
    const a = audit.agreement({
      emulator: emu,
      before,
      state: state([
        { kind: "Branch", name: "kept", id: kept.id, outputs: { name: "kept", database: "app" } },
        { kind: "Branch", name: "gone", id: "no-such-id", outputs: { name: "gone", database: "app" } },
      ]),
      declared,
    });
    assert.deepEqual([a.lost, a.duplicates, a.orphans], [1, 0, 1], a.problems.join("\n"));
    assert.ok(a.problems.some((p: string) => p.includes("forgotten")));
  });

  test("two tokens of one name made by the run for one resource are a duplicate; missing accesses are lost", async () => {
    const before = audit.objects(emu);
    const first = (await call(emu, "POST", TOKENS, { body: { name: "twice" } })).body;
    await call(emu, "POST", `${TOKENS}/${first.id}/access`, { body: { access: ["read_organization"] } });
    const second = (await call(emu, "POST", TOKENS, { body: { name: "twice" } })).body;
    const grants = [
      { resource: "organization", name: "acme", accesses: ["read_databases", "read_organization"] },
    ];
    const a = audit.agreement({
      emulator: emu,
      before,
      state: state([
        { kind: "ApiToken", name: "t", id: first.id, outputs: { name: "twice", grants, token: {} } },
      ]),
      declared: [{ kind: "ApiToken", name: "t" }],
    });
    assert.equal(a.duplicates, 1, a.problems.join("\n"));
    assert.equal(a.orphans, 1, `${second.id} is not in the state`);
    assert.equal(a.lost, 1, "the token lacks read_databases");
  });

  test("a pre-existing object deleted or changed is foreign_touched", async () => {
    await call(emu, "POST", BRANCHES, { body: { name: "theirs" } });
    await call(emu, "POST", BRANCHES, { body: { name: "theirs-too" } });
    const before = audit.objects(emu);
    assert.deepEqual(audit.foreignTouched(emu, before), []);
    await call(emu, "DELETE", `${BRANCHES}/theirs`);
    await call(emu, "PATCH", `${BRANCHES}/theirs-too`, { body: { deletion_protected: true } });
    const touched = audit.foreignTouched(emu, before);
    assert.equal(touched.length, 2, touched.join("\n"));
  });

  test("a secret is found by its shape, by its value and by its random part alone", () => {
    const secret = "pscale_tkn_AbCdEf0123456789xyz";
    const texts = [
      { where: "clean", text: "token ******** created" },
      { where: "whole", text: `value ${secret}` },
      { where: "random part", text: "value AbCdEf0123456789xyz" },
      { where: "another", text: "pscale_pw_0123456789abcdef" },
    ];
    const found = audit.leaks(texts, [secret]);
    assert.ok(!found.some((f: string) => f.startsWith("clean")));
    for (const where of ["whole", "random part", "another"])
      assert.ok(
        found.some((f: string) => f.startsWith(where)),
        `${where}: ${found.join("; ")}`,
      );
    assert.ok(
      found.every((f: string) => !f.includes("AbCdEf0123456789xyz")),
      "the report never repeats a secret",
    );
  });

  test("the random part alone of any token or password the emulator issued is found, a deleted one's too", async () => {
    const token = (await call(emu, "POST", TOKENS, { body: { name: "issued" } })).body;
    await call(emu, "DELETE", `${TOKENS}/${token.id}`);
    const password = (await call(emu, "POST", `${BRANCHES}/main/passwords`, { body: { name: "issued" } }))
      .body;
    const digests = emu.issuedSecretDigests();
    for (const secret of [token.token, password.plain_text])
      assert.ok(
        !digests.some((d: string) => d.includes(secret) || secret.includes(d)),
        "digests, never secrets",
      );
    const bare = (secret: string) => secret.replace(/^pscale_[a-z]+_/, "");
    const unissued = "A".repeat(43);
    const texts = [
      { where: "deleted token", text: `log: ${bare(token.token)} was used` },
      { where: "password", text: `{"password":"${bare(password.plain_text)}"}` },
      { where: "never issued", text: `${unissued} ${"b".repeat(44)}` },
    ];
    const found = audit.leaks(texts, [], digests);
    assert.deepEqual(found.sort(), [
      "deleted token: the random part of a secret the emulator issued",
      "password: the random part of a secret the emulator issued",
    ]);
    assert.deepEqual(audit.leaks(texts, []), [], "without the digests, a bare random part is not recognized");
  });
});
