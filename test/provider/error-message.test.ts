// What a user reads of a failure: throw sites keep causes as `cause`, and the provider runtime (the
// last hop before Pulumi's host, which passes on only `message`) renders the chain once.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { UnauthorizedError, UnknownResourceKindError } from "../../provider";
import * as runtime from "../../provider/internal/dynamic/provider-runtime";
import type { ResourceKind } from "../../provider/internal/dynamic/runtime-contract";
import { messageWithCauses } from "../../provider/internal/error-message";
import { type Emulator, emulator } from "../support/emulator";
import { configFor } from "../support/provider-context";

describe("messageWithCauses", () => {
  test("puts each cause on its own line below the message", () => {
    const root = new Error("socket hang up");
    const middle = new Error("GET /organizations/acme → connection failed", { cause: root });
    const top = new Error("cannot check organization acme", { cause: middle });
    assert.equal(
      messageWithCauses(top),
      [
        "cannot check organization acme",
        "  caused by: GET /organizations/acme → connection failed",
        "  caused by: socket hang up",
      ].join("\n"),
    );
  });

  test("leaves out a cause the lines above already quote, and survives a cycle", () => {
    const inner = new Error("ECONNRESET");
    const outer = new Error("POST /x → connection failed: ECONNRESET", { cause: inner });
    assert.equal(messageWithCauses(outer), "POST /x → connection failed: ECONNRESET");
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    assert.equal(messageWithCauses(a), "a\n  caused by: b");
  });

  test("shows a cause that is not an Error, and a value thrown that is not one", () => {
    assert.equal(
      messageWithCauses(new Error("failed", { cause: "timeout" })),
      "failed\n  caused by: timeout",
    );
    assert.equal(messageWithCauses("plain"), "plain");
  });
});

describe("the provider runtime", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator();
  });
  after(async () => emu.stop());

  test("hands the host a failure whose message carries its cause, class and code intact", async () => {
    const secret = "pscale_tkn_wrongwrongwrongwrongwrong";
    const stackConfig = configFor(emu, { "planetscale:serviceToken": secret });
    // What the host hands the runtime after `configure`.
    const config = { get: stackConfig.get, require: (key: string) => stackConfig.get(key) ?? "" };
    await assert.rejects(
      runtime.check("branch", config, {}, { database: "app", name: "runtime-msg" }),
      (error: unknown) => {
        assert.ok(error instanceof UnauthorizedError);
        assert.equal(error.code, "PLANETSCALE_UNAUTHORIZED");
        // The fix first, then why: PlanetScale's 401 for the request that was refused.
        assert.match(
          error.message,
          /^PlanetScale rejected the credential while checking .*\n {2}caused by: GET \/organizations\/acme\/databases\/app → 401/,
        );
        assert.ok(error.cause instanceof UnauthorizedError);
        assert.ok(!error.message.includes(secret));
        return true;
      },
    );
  });
  test("refuses a resource kind this version does not know, by its name, without touching anything", async () => {
    emu.clearRequests();
    for (const kind of ["webhook", "toString", "__proto__"]) {
      await assert.rejects(
        runtime.check(kind as ResourceKind, undefined, {}, { database: "app" }),
        (error: unknown) => {
          assert.ok(error instanceof UnknownResourceKindError, String(error));
          assert.equal(error.code, "PLANETSCALE_UNKNOWN_RESOURCE_KIND");
          assert.match(
            error.message,
            new RegExp(`does not know resource kind '${kind}'; upgrade the package`),
          );
          return true;
        },
      );
    }
    assert.deepEqual(emu.requests(), []);
  });
});
