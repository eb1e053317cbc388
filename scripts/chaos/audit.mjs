// The measures of a chaos run, taken by comparing what PlanetScale holds (the emulator's snapshot,
// read in-process: auditing makes no API call the figures would count) with what the stack's state
// holds. Nothing here trusts what the CLI said.
import { createHash } from "node:crypto";

export const BRANCH = "pulumi-nodejs:dynamic/planetscale:Branch";
export const TOKEN = "pulumi-nodejs:dynamic/planetscale:ApiToken";
const PASSWORD = "pulumi-nodejs:dynamic/planetscale:BranchPassword";
const ROLE = "pulumi-nodejs:dynamic/planetscale:BranchRole";
/** The kinds audited, by their type token. */
const KINDS = new Map([
  [BRANCH, "Branch"],
  [TOKEN, "ApiToken"],
  [PASSWORD, "BranchPassword"],
  [ROLE, "BranchRole"],
]);

/** Every object of the emulator by id, with what a change to it would show (never secrets). */
export function objects(emulator) {
  const snap = emulator.snapshot();
  const byId = new Map();
  for (const b of snap.branches)
    byId.set(b.id, { kind: "Branch", name: b.name, database: b.database, data: b });
  for (const t of snap.serviceTokens) {
    // lastUsedAt moves whenever a credential is used: not a change to the object.
    const { lastUsedAt: _used, ...data } = t;
    byId.set(t.id, { kind: "ApiToken", name: t.name, database: null, data });
  }
  // Snapshots of passwords and roles carry no secret. A branch's default role (`postgres`) is
  // PlanetScale's, made with the branch (the emulator makes it when first asked for): not audited.
  for (const p of snap.passwords)
    byId.set(p.id, { kind: "BranchPassword", name: p.name, database: p.database, data: p });
  for (const r of snap.roles.filter((role) => !role.default))
    byId.set(r.id, { kind: "BranchRole", name: r.name, database: r.database, data: r });
  return byId;
}

/** Resources of the stack's latest checkpoint (as the backend stores it) and its pending operations. */
export function stateOf(checkpoint) {
  const latest = checkpoint?.checkpoint?.latest ?? checkpoint?.deployment ?? {};
  const resources = (latest.resources ?? []).filter((r) => KINDS.has(r.type));
  return {
    resources: resources.map((r) => ({
      kind: KINDS.get(r.type),
      name: r.urn.split("::").pop(),
      id: r.id,
      outputs: r.outputs ?? {},
    })),
    pending: (latest.pending_operations ?? []).length,
  };
}

/** The access keys ("database|access", database "-" for organization level) a token's state records. */
function stateAccesses(outputs) {
  const keys = [];
  for (const g of outputs.grants ?? [])
    for (const a of g.accesses) keys.push(`${g.resource === "database" ? g.name : "-"}|${a}`);
  return keys.sort();
}

function remoteAccesses(token) {
  return token.accesses.map((a) => `${a.database ?? "-"}|${a.access}`).sort();
}

/**
 * lost, duplicates and orphans of one stack against the emulator. `before`: the objects that
 * existed before the scenario (never ours); `declared`: the program's resources, when the run is
 * expected to have converged on them (else null); `secrets`: the decrypted state, to check that each
 * token in the state still authenticates.
 */
export function agreement({ emulator, before, state, declared }) {
  const now = objects(emulator);
  const made = [...now.entries()].filter(([id]) => !before.has(id));
  const inState = new Map(state.resources.map((r) => [r.id, r]));
  const problems = [];

  let lost = 0;
  for (const d of declared ?? []) {
    const r = state.resources.find((s) => s.kind === d.kind && s.name === d.name);
    const remote = r && now.get(r.id);
    if (!r) problems.push(`lost: ${d.kind} "${d.name}" is not in the state`);
    else if (!remote) problems.push(`lost: ${d.kind} "${d.name}" (${r.id}) is not in PlanetScale`);
    else if (d.kind === "ApiToken") {
      const want = stateAccesses(r.outputs).join(",");
      const have = remoteAccesses(remote.data).join(",");
      if (want !== have)
        problems.push(`lost: token ${r.id} holds [${have}] in PlanetScale, [${want}] in state`);
      else if (typeof r.outputs.token !== "object" && typeof r.outputs.token !== "string")
        problems.push(`lost: token ${r.id} has no value in the state`);
      else continue;
    } else continue;
    lost++;
  }

  let duplicates = 0;
  for (const r of state.resources) {
    const same = made.filter(
      ([, o]) =>
        o.kind === r.kind &&
        o.name === (r.outputs.name ?? r.name) &&
        (r.kind === "ApiToken" || o.database === r.outputs.database),
    );
    if (same.length > 1) {
      duplicates += same.length - 1;
      problems.push(
        `duplicates: ${same.length} ${r.kind} objects named "${r.outputs.name}": ${same.map(([id]) => id)}`,
      );
    }
  }
  const ids = state.resources.map((r) => r.id).filter(Boolean);
  const shared = ids.length - new Set(ids).size;
  if (shared > 0) problems.push(`duplicates: ${shared} state resources share a PlanetScale object`);
  duplicates += shared;

  const orphaned = made.filter(([id]) => !inState.has(id));
  for (const [id, o] of orphaned)
    problems.push(`orphan: ${o.kind} "${o.name}" (${id}) is in PlanetScale, not in state`);
  if (state.pending > 0) problems.push(`state holds ${state.pending} pending operations`);

  return { lost, duplicates, orphans: orphaned.length, pending: state.pending, problems };
}

/** Pre-existing objects changed or deleted since `before`: ids and what happened. */
export function foreignTouched(emulator, before) {
  const now = objects(emulator);
  const touched = [];
  for (const [id, was] of before) {
    const is = now.get(id);
    if (!is) touched.push(`${was.kind} "${was.name}" (${id}) deleted`);
    else if (JSON.stringify(is.data) !== JSON.stringify(was.data))
      touched.push(`${was.kind} "${was.name}" (${id}) modified`);
  }
  return touched;
}

/** PlanetScale secrets by shape: a token or password value is never printed in any form. */
const SECRET_SHAPES = /pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_-]{8,}/g;

/** A secret's random part alone, as the emulator makes them: 43 letters and digits, standing alone. */
const RANDOM_PART = /(?<![A-Za-z0-9])[A-Za-z0-9]{43}(?![A-Za-z0-9])/g;

/**
 * Secrets found in plaintext in `texts` ({ where, text }): any PlanetScale-shaped secret, each
 * known value (`secrets`), with and without its `pscale_…_` prefix (a value's random part alone is
 * as good as the value), and the random part of any secret whose digest is in `issuedDigests`
 * (`Emulator.issuedSecretDigests`: every token and password the emulator handed out, so those a
 * run made and replaced, or another stack made, are found too).
 */
export function leaks(texts, secrets, issuedDigests = []) {
  const issued = new Set(issuedDigests);
  const needles = new Set();
  for (const s of secrets) {
    if (typeof s !== "string" || s.length < 8) continue;
    needles.add(s);
    const bare = s.replace(/^pscale_[a-z]+_/, "");
    if (bare.length >= 8) needles.add(bare);
  }
  const found = [];
  for (const { where, text } of texts) {
    for (const m of text.matchAll(SECRET_SHAPES))
      found.push(`${where}: ${m[0].slice(0, m[0].indexOf("_", 7) + 1)}…`);
    for (const needle of needles)
      if (text.includes(needle)) found.push(`${where}: a known secret (${needle.length} chars)`);
    if (issued.size > 0)
      for (const [part] of text.matchAll(RANDOM_PART))
        if (["pscale_tkn_", "pscale_pw_"].some((prefix) => issued.has(sha256(prefix + part))))
          found.push(`${where}: the random part of a secret the emulator issued`);
  }
  return [...new Set(found)];
}

/** Every secret a decrypted stack export holds: token values and authorization headers. */
export function secretsOf(decrypted) {
  const values = [];
  const visit = (v) => {
    if (typeof v === "string") {
      if (/^pscale_/.test(v) || /:pscale_/.test(v)) values.push(v, v.replace(/^[^:]*:/, ""));
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  for (const r of decrypted?.deployment?.resources ?? []) visit(r.outputs);
  return values;
}

/** The SHA-256 hex digest the emulator keeps of a secret. */
function sha256(text) {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
