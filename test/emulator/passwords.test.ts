/**
 * MySQL branch passwords keep every field they accept: IP restrictions (`cidrs`, changed in place
 * by `update_password`, and enforced by the emulator's login check), `direct_vtgate`, renames, and
 * the list's `status` and `q` filters.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, waitFor } from "../support/api";
import { emulator } from "../support/emulator";

const passwords = (branch = "main") => `${branchesPath()}/${branch}/passwords`;

describe("emulator: password fields, updates and list filters", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator();
  });
  after(() => emu.stop());

  test("cidrs and direct_vtgate are stored and returned by create, get and list", async () => {
    const created = await call(emu, "POST", passwords(), {
      body: {
        name: "office",
        role: "reader",
        cidrs: ["10.0.0.0/8", "192.168.1.7", "2001:db8::/32"],
        direct_vtgate: true,
      },
    });
    assert.equal(created.status, 201, created.text);
    const expected = ["10.0.0.0/8", "192.168.1.7", "2001:db8::/32"];
    assert.deepEqual(created.body.cidrs, expected);
    assert.equal(created.body.direct_vtgate, true);
    assert.equal(created.body.direct_vtgate_addresses.length, 3);
    const got = await call(emu, "GET", `${passwords()}/${created.body.id}`);
    assert.deepEqual([got.body.cidrs, got.body.direct_vtgate], [expected, true]);
    const listed = await call(emu, "GET", `${passwords()}?q=offi`);
    assert.deepEqual(
      listed.body.data.map((p: { id: string; cidrs: unknown }) => [p.id, p.cidrs]),
      [[created.body.id, expected]],
    );
    const plain = await call(emu, "POST", passwords(), { body: { name: "anywhere" } });
    assert.deepEqual(
      [plain.body.cidrs, plain.body.direct_vtgate, plain.body.direct_vtgate_addresses],
      [null, false, []],
    );
  });

  test("a login from outside the cidrs is refused; update_password changes them in place", async () => {
    const created = await call(emu, "POST", passwords(), { body: { name: "ci", cidrs: ["203.0.113.0/24"] } });
    const { id, username, plain_text: secret } = created.body;
    assert.equal(emu.checkConnection(username, secret, { from: "203.0.113.9" }).valid, true);
    assert.deepEqual(emu.checkConnection(username, secret, { from: "198.51.100.1" }), {
      valid: false,
      reason: "access denied: 198.51.100.1 is outside the password's allowed IP ranges",
    });
    assert.equal(emu.checkConnection(username, secret).valid, false, "127.0.0.1 is outside 203.0.113.0/24");

    // pscale password update --new-name ci-2 --cidrs 198.51.100.0/24: same id, same secret.
    const updated = await call(emu, "PATCH", `${passwords()}/${id}`, {
      body: { name: "ci-2", cidrs: ["198.51.100.0/24"] },
    });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(
      [updated.body.id, updated.body.name, updated.body.cidrs],
      [id, "ci-2", ["198.51.100.0/24"]],
    );
    assert.equal(updated.body.plain_text, null);
    assert.equal(emu.checkConnection(username, secret, { from: "198.51.100.1" }).valid, true);
    assert.equal(emu.checkConnection(username, secret, { from: "203.0.113.9" }).valid, false);

    // pscale password update --cidrs "" sends an empty list: no restriction any more.
    const cleared = await call(emu, "PATCH", `${passwords()}/${id}`, { body: { cidrs: [] } });
    assert.deepEqual([cleared.body.name, cleared.body.cidrs], ["ci-2", []]);
    assert.equal(emu.checkConnection(username, secret).valid, true);
    assert.deepEqual(emu.snapshot().passwords.find((p) => p.id === id)?.cidrs, []);
  });

  test("refuses invalid cidrs and blank or overlong names, changing nothing", async () => {
    const bad = await call(emu, "POST", passwords(), { body: { name: "x", cidrs: ["10.0.0.0/33", "nope"] } });
    assert.equal(bad.status, 422);
    assert.match(bad.body.message, /not valid: 10\.0\.0\.0\/33, nope/);
    assert.ok(!emu.snapshot().passwords.some((p) => p.name === "x"), "nothing was created");
    const created = await call(emu, "POST", passwords(), { body: { name: "keep", cidrs: ["10.0.0.1"] } });
    for (const body of [{ cidrs: ["1.2.3.4/x"] }, { name: "  " }, { name: "n".repeat(256) }]) {
      const refused = await call(emu, "PATCH", `${passwords()}/${created.body.id}`, { body });
      assert.equal(refused.status, 422, JSON.stringify(body));
    }
    const after = await call(emu, "GET", `${passwords()}/${created.body.id}`);
    assert.deepEqual([after.body.name, after.body.cidrs], ["keep", ["10.0.0.1"]]);
    const unknown = await call(emu, "PATCH", `${passwords()}/${created.body.id}`, {
      body: { role: "admin" },
    });
    assert.equal(unknown.status, 400, "the spec's update_password takes name and cidrs only");
  });

  test("status filters the list: active, renewable, expired (400 for anything else)", async () => {
    const fresh = await emulator();
    try {
      const p = (path: string) => `${branchesPath()}/main/passwords${path}`;
      const forever = await call(fresh, "POST", p(""), { body: { name: "forever" } });
      const renewable = await call(fresh, "POST", p(""), { body: { name: "renewable", ttl: 3600 } });
      const short = await call(fresh, "POST", p(""), { body: { name: "short", ttl: 1 } });
      await waitFor("the 1 s password to expire", async () => {
        return (await call(fresh, "GET", `${p("")}/${short.body.id}`)).body.expired === true;
      });
      const names = async (status: string) =>
        ((await call(fresh, "GET", p(`?status=${status}`))).body.data as Array<{ name: string }>)
          .map((x) => x.name)
          .sort();
      assert.deepEqual(await names("active"), [forever.body.name, renewable.body.name].sort());
      assert.deepEqual(await names("renewable"), ["renewable"]);
      assert.deepEqual(await names("expired"), ["short"]);
      const bad = await call(fresh, "GET", p("?status=disabled"));
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /active, renewable, expired/);
    } finally {
      await fresh.stop();
    }
  });
});
