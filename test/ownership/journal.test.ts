// The recovery journal: private to its user (0700 directory, 0600 records, owner and symbolic-link
// checks), read only by the credential that wrote it, naming its stack and backend without any
// credential, and recording per create request whether it reached PlanetScale.
import assert from "node:assert/strict";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createBranch } from "../../provider/internal/api/branches";
import { createServiceToken } from "../../provider/internal/api/service-tokens";
import { getClient } from "../../provider/internal/client/registry";
import { resolveSettings } from "../../provider/internal/client/settings";
import { type Intent, readJournal, recordIntent } from "../../provider/internal/ownership/journal";
import { type Emulator, emulator } from "../support/emulator";

let emu: Emulator;
let root: string;
before(async () => {
  emu = await emulator({ readyDelayMs: 0 });
  root = mkdtempSync(join(tmpdir(), "pps-journal-private-"));
});
after(async () => {
  await emu.stop();
  rmSync(root, { recursive: true, force: true });
});

function client(apiUrl = emu.apiUrl) {
  return getClient(
    resolveSettings(undefined, {
      PLANETSCALE_API_URL: apiUrl,
      PLANETSCALE_ORG: emu.organization,
      PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
      PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
    }),
  );
}

let n = 0;
/** A fresh journal directory and the environment that points the provider at it. */
function journalEnv(extra: NodeJS.ProcessEnv = {}) {
  const dir = join(root, `j${++n}`, "journal");
  return { dir, env: { PULUMI_PLANETSCALE_JOURNAL_DIR: dir, ...extra } };
}

function onlyRecord(dir: string): Intent {
  const { entries } = readJournal(dir, emu.adminCredential.id);
  assert.equal(entries.length, 1);
  return (entries[0] as { intent: Intent }).intent;
}

describe("the recovery journal", () => {
  test("a private directory (0700) and records (0600), removed when the create settles", () => {
    const { dir, env } = journalEnv();
    const settled = recordIntent(
      client(),
      { kind: "serviceToken", organization: "acme", name: "ci" },
      () => {},
      env,
    );
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const [file] = readdirSync(dir);
    assert.equal(statSync(join(dir, file as string)).mode & 0o777, 0o600);
    const intent = onlyRecord(dir);
    assert.equal(intent.name, "ci");
    assert.equal(intent.pid, process.pid);
    assert.equal(intent.actorId, emu.adminCredential.id);
    settled();
    assert.deepEqual(readdirSync(dir), []);
  });

  test("names its stack, project and backend, with the backend's credentials removed", () => {
    const password = "pg-Secret-4711";
    const { dir, env } = journalEnv({
      PULUMI_PROJECT: "infra",
      PULUMI_BACKEND_URL: `postgres://pulumi:${password}@db.internal:5432/state?sslmode=require&sslpassword=key-Secret-99`,
    });
    const settled = recordIntent(
      client(),
      { kind: "branch", organization: "acme", database: "app", name: "pr-1", stack: "pr-1" },
      () => {},
      env,
    );
    const text = readFileSync(join(dir, readdirSync(dir)[0] as string), "utf8");
    assert.ok(!text.includes(password) && !text.includes("key-Secret-99"), "no backend credential on disk");
    const intent = onlyRecord(dir);
    assert.equal(intent.stack, "pr-1");
    assert.equal(intent.project, "infra");
    assert.equal(
      intent.backend,
      "postgres://****:****@db.internal:5432/state?sslmode=require&sslpassword=****",
    );
    settled();
  });

  test("an existing directory of this user made by an older version (0755) is tightened to 0700", () => {
    const { dir, env } = journalEnv();
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    recordIntent(client(), { kind: "serviceToken", organization: "acme", name: "ci" }, () => {}, env)();
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  test("a journal directory that is a symbolic link is not written and none of its records is read", () => {
    const { dir, env } = journalEnv();
    const real = join(root, `elsewhere-${n}`);
    mkdirSync(real, { mode: 0o700 });
    mkdirSync(join(dir, ".."), { recursive: true });
    symlinkSync(real, dir);
    const logged: string[] = [];
    recordIntent(
      client(),
      { kind: "serviceToken", organization: "acme", name: "ci" },
      (m) => logged.push(m),
      env,
    );
    assert.match(logged.join("\n"), /symbolic link/);
    assert.deepEqual(readdirSync(real), []);
    assert.match(readJournal(dir, emu.adminCredential.id).ignored.join("\n"), /symbolic link/);
  });

  test("forged records are ignored: readable by others, a symbolic link, or naming another credential", () => {
    const { dir, env } = journalEnv();
    const settled = recordIntent(
      client(),
      { kind: "branch", organization: "acme", database: "app", name: "real" },
      () => {},
      env,
    );
    const genuine = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0] as string), "utf8")) as Intent;
    const forge = (file: string, over: Record<string, unknown>, mode = 0o600) => {
      writeFileSync(join(dir, file), JSON.stringify({ ...genuine, name: file, ...over }), { mode });
      chmodSync(join(dir, file), mode);
    };
    forge("world.json", {}, 0o644);
    forge("other-actor.json", { actorId: "someone-elses-token" });
    forge("no-actor.json", { actorId: undefined });
    writeFileSync(join(root, "target.json"), JSON.stringify({ ...genuine, name: "linked" }), { mode: 0o600 });
    symlinkSync(join(root, "target.json"), join(dir, "linked.json"));
    const { entries, ignored } = readJournal(dir, emu.adminCredential.id);
    assert.deepEqual(
      entries.map((e) => e.intent.name),
      ["real"],
    );
    assert.match(ignored.join("\n"), /world\.json: is readable or writable by others/);
    assert.match(ignored.join("\n"), /other-actor\.json: written for another credential/);
    assert.match(ignored.join("\n"), /no-actor\.json: written for another credential/);
    assert.match(ignored.join("\n"), /linked\.json: is a symbolic link/);
    settled();
  });

  test("each create request is recorded: sent and answered with the new id", async () => {
    const { dir, env } = journalEnv();
    const c = client();
    const settled = recordIntent(
      c,
      { kind: "serviceToken", organization: "acme", name: "att-1" },
      () => {},
      env,
    );
    const token = await createServiceToken(c, "acme", { name: "att-1" });
    const attempts = onlyRecord(dir).attempts;
    assert.deepEqual(
      attempts.map((a) => [a.state, a.id]),
      [["created", token.id]],
    );
    settled();
  });

  test("per request: a 503 is an unknown outcome, an answer names the id, a 4xx is refused", async () => {
    const { dir, env } = journalEnv();
    const c = client();
    const settled = recordIntent(
      c,
      { kind: "branch", organization: "acme", database: "app", name: "att-2" },
      () => {},
      env,
    );
    emu.setFaults({
      rules: [
        {
          method: "POST",
          path: "/organizations/*/databases/*/branches",
          action: "status",
          status: 503,
          times: 1,
        },
      ],
    });
    await assert.rejects(createBranch(c, "acme", "app", { name: "att-2" }));
    emu.setFaults({});
    const made = await createBranch(c, "acme", "app", { name: "att-2" });
    // The name is taken now: PlanetScale refuses, and makes nothing.
    await assert.rejects(createBranch(c, "acme", "app", { name: "att-2" }));
    const attempts = onlyRecord(dir).attempts;
    assert.deepEqual(
      attempts.map((a) => [a.state, a.status ?? a.id]),
      [
        ["unknown", 503],
        ["created", made.id],
        ["refused", 422],
      ],
    );
    settled();
  });

  test("a request that provably never left (connection refused) is recorded as not sent", async () => {
    const { dir, env } = journalEnv();
    // A port nothing listens on: the emulator's own, once it is stopped.
    const gone = await emulator({ readyDelayMs: 0 });
    const apiUrl = gone.apiUrl;
    await gone.stop();
    const c = getClient(
      resolveSettings(
        { get: (k) => (k === "planetscale:maxRetries" ? "0" : undefined) },
        {
          PLANETSCALE_API_URL: apiUrl,
          PLANETSCALE_ORG: "acme",
          PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
          PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
        },
      ),
    );
    const settled = recordIntent(
      c,
      { kind: "serviceToken", organization: "acme", name: "att-3" },
      () => {},
      env,
    );
    await assert.rejects(createServiceToken(c, "acme", { name: "att-3" }));
    assert.deepEqual(
      onlyRecord(dir).attempts.map((a) => a.state),
      ["not-sent"],
    );
    settled();
  });
});
