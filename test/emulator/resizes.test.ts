/**
 * Branch resizes (`…/resizes`, VTGate settings) and cluster-size changes (`PATCH …/cluster`):
 * both asynchronous like readiness, answers checked against the spec.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, makeToken, waitFor, waitReady } from "../support/api";
import { emulator } from "../support/emulator";
import { assertMatchesSpec, specAvailable } from "../support/openapi";

const P = branchesPath();
const strict = { noAdditionalProperties: true };

function matches(operationId: string, status: number, body: unknown): void {
  if (specAvailable) assertMatchesSpec(operationId, status, body, strict);
}

/** Polls `path` until `done(body)`; returns that body. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
async function until(emu: Emulator, path: string, done: (body: any) => boolean): Promise<any> {
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  let body: any;
  await waitFor(`${path} to reach the expected state`, async () => {
    const response = await call(emu, "GET", path);
    body = response.body;
    return response.status === 200 && done(body);
  });
  return body;
}

describe("branch resizes and cluster changes", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator({ readyDelayMs: 200 });
  });
  after(() => emu.stop());

  test("PUT …/resizes starts a VTGate resize that completes after the delay, then the branch has it", async () => {
    await call(emu, "POST", P, { body: { name: "rs-1" } });
    await waitReady(emu, "rs-1");
    // A resize that cannot finish during the test shows the state while it runs…
    emu.setReadyDelay(60_000);
    const slow = await call(emu, "PUT", `${P}/rs-1/resizes`, {
      body: { vtgate_size: "VTG_10", vtgate_count: 3 },
    });
    emu.setReadyDelay(50);
    assert.equal(slow.status, 200, slow.text);
    matches("update_branch_resize_request", 200, slow.body);
    assert.equal(slow.body.state, "resizing");
    assert.equal(slow.body.completed_at, null);
    assert.deepEqual(
      [
        slow.body.previous_vtgate_size,
        slow.body.vtgate_size,
        slow.body.previous_vtgate_count,
        slow.body.vtgate_count,
      ],
      ["VTG_5", "VTG_10", 2, 3],
    );
    const during = await call(emu, "GET", `${P}/rs-1`);
    assert.equal(
      during.body.vtgate_size,
      "VTG_5",
      "the branch keeps its old VTGates until the resize completes",
    );
    assert.equal((await call(emu, "DELETE", `${P}/rs-1/resizes`)).status, 204);

    // …and one with a short delay completes, after which the branch has the new settings.
    const put = await call(emu, "PUT", `${P}/rs-1/resizes`, {
      body: { vtgate_size: "VTG_10", vtgate_count: 3 },
    });
    assert.equal(put.status, 200, put.text);
    const done = await until(emu, `${P}/rs-1/resizes/${put.body.id}`, (b) => b.state === "completed");
    matches("get_branch_resize_request", 200, done);
    assert.notEqual(done.completed_at, null);
    const branch = await call(emu, "GET", `${P}/rs-1`);
    assert.equal(branch.body.vtgate_size, "VTG_10");
    assert.equal(branch.body.vtgate_count, 3);
    matches("get_branch", 200, branch.body);

    const list = await call(emu, "GET", `${P}/rs-1/resizes`);
    assert.equal(list.status, 200);
    matches("list_branch_resize_requests", 200, list.body);
    assert.deepEqual(
      list.body.data.map((r: { id: string; state: string }) => [r.id, r.state]),
      [
        [put.body.id, "completed"],
        [slow.body.id, "canceled"],
      ],
      "newest first",
    );
  });

  test("answers the spec's 204 when nothing would change (including an empty body)", async () => {
    await call(emu, "POST", P, { body: { name: "rs-2" } });
    await waitReady(emu, "rs-2");
    for (const body of [{}, { vtgate_size: "VTG_5", vtgate_count: 2 }, { vtgate_size: "" }]) {
      const r = await call(emu, "PUT", `${P}/rs-2/resizes`, { body });
      assert.equal(r.status, 204, `${JSON.stringify(body)} → ${r.text}`);
      assert.equal(r.text, "");
    }
    const list = await call(emu, "GET", `${P}/rs-2/resizes`);
    assert.equal(list.body.data.length, 0, "no resize request was made");
  });

  test("a second PUT updates the resize in progress; DELETE cancels it; the branch keeps its settings", async () => {
    await call(emu, "POST", P, { body: { name: "rs-3" } });
    await waitReady(emu, "rs-3");
    emu.setReadyDelay(60_000);
    try {
      const first = await call(emu, "PUT", `${P}/rs-3/resizes`, { body: { vtgate_count: 4 } });
      const second = await call(emu, "PUT", `${P}/rs-3/resizes`, { body: { vtgate_size: "VTG_20" } });
      assert.equal(second.status, 200);
      assert.equal(second.body.id, first.body.id);
      assert.deepEqual([second.body.vtgate_size, second.body.vtgate_count], ["VTG_20", 4]);
      const cancel = await call(emu, "DELETE", `${P}/rs-3/resizes`);
      assert.equal(cancel.status, 204);
      const got = await call(emu, "GET", `${P}/rs-3/resizes/${first.body.id}`);
      assert.equal(got.body.state, "canceled");
      const branch = await call(emu, "GET", `${P}/rs-3`);
      assert.deepEqual([branch.body.vtgate_size, branch.body.vtgate_count], ["VTG_5", 2]);
      const again = await call(emu, "DELETE", `${P}/rs-3/resizes`);
      assert.equal(again.status, 404, "nothing left to cancel");
    } finally {
      emu.setReadyDelay(200);
    }
  });

  test("refuses bad resizes: pending branch 422, bad size 422, wrong type 400, unknown resize 404", async () => {
    emu.setReadyDelay(60_000);
    await call(emu, "POST", P, { body: { name: "rs-pending" } });
    emu.setReadyDelay(200);
    const pending = await call(emu, "PUT", `${P}/rs-pending/resizes`, { body: { vtgate_count: 3 } });
    assert.equal(pending.status, 422);
    await call(emu, "POST", P, { body: { name: "rs-4" } });
    await waitReady(emu, "rs-4");
    const size = await call(emu, "PUT", `${P}/rs-4/resizes`, { body: { vtgate_size: "HUGE" } });
    assert.equal(size.status, 422);
    const type = await call(emu, "PUT", `${P}/rs-4/resizes`, { body: { vtgate_count: "3" } });
    assert.equal(type.status, 400);
    assert.match(type.body.message, /must be a number\n {2}→ at vtgate_count/);
    const missing = await call(emu, "GET", `${P}/rs-4/resizes/nope00000000`);
    assert.equal(missing.status, 404);
  });

  test("resizing needs write_database; reading needs a branch read access", async () => {
    await call(emu, "POST", P, { body: { name: "rs-5" } });
    await waitReady(emu, "rs-5");
    const reader = await makeToken(emu, [{ database: "app", access: ["read_branch"] }]);
    const put = await call(emu, "PUT", `${P}/rs-5/resizes`, { cred: reader, body: { vtgate_count: 3 } });
    assert.equal(put.status, 404);
    assert.equal((await call(emu, "GET", `${P}/rs-5/resizes`, { cred: reader })).status, 200);
    const writer = await makeToken(emu, [{ database: "app", access: ["write_database"] }]);
    const ok = await call(emu, "PUT", `${P}/rs-5/resizes`, { cred: writer, body: { vtgate_count: 3 } });
    assert.equal(ok.status, 200);
  });

  test("PATCH …/cluster answers 204 and the branch reports the new cluster_name once the change completes", async () => {
    await call(emu, "POST", P, { body: { name: "cl-1", cluster_size: "PS_10" } });
    await waitReady(emu, "cl-1");
    const id = (await call(emu, "GET", `${P}/cl-1`)).body.id as string;
    emu.setReadyDelay(60_000);
    const slow = await call(emu, "PATCH", `${P}/${id}/cluster`, { body: { cluster_size: "PS_40" } });
    emu.setReadyDelay(50);
    assert.equal(slow.status, 204, slow.text);
    matches("update_branch_cluster_config", 204, slow.text);
    assert.equal(
      (await call(emu, "GET", `${P}/cl-1`)).body.cluster_name,
      "PS_10",
      "not until the change completes",
    );
    const patch = await call(emu, "PATCH", `${P}/${id}/cluster`, { body: { cluster_size: "PS_20" } });
    assert.equal(patch.status, 204, patch.text);
    const after = await until(emu, `${P}/cl-1`, (b) => b.cluster_name === "PS_20");
    assert.equal(after.id, id, "the same branch: resized in place, not replaced");
    const same = await call(emu, "PATCH", `${P}/cl-1/cluster`, { body: { cluster_size: "PS_20" } });
    assert.equal(same.status, 204);
    assert.equal((await call(emu, "GET", `${P}/cl-1`)).body.cluster_name, "PS_20");
    const bad = await call(emu, "PATCH", `${P}/cl-1/cluster`, { body: { cluster_size: "huge" } });
    assert.equal(bad.status, 422);
    const missing = await call(emu, "PATCH", `${P}/cl-1/cluster`, { body: {} });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /is required\n {2}→ at cluster_size/);
  });
});
