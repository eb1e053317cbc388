// One chaos scenario's world: a fresh emulator holding a colleague's objects (the foreign objects
// nothing may touch), a fresh project, and the tallies its runs add to the chaos figures.
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { agreement, foreignTouched, leaks, objects, secretsOf, stateOf } from "./audit.mjs";
import { ChaosProject, waitFor } from "./project.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const { startEmulator } = createRequire(import.meta.url)(join(root, "dist/emulator/index.js"));

/** Names the colleague's objects use: our programs declare the same names on purpose. */
export const FOREIGN = { branch: "team-staging", tokens: ["ci", "deploy"] };

/** The chaos figures, summed over every scenario. */
export function emptyTotals() {
  return {
    ops: 0,
    faults: 0,
    lost: 0,
    duplicates: 0,
    orphans: 0,
    foreignTouched: 0,
    leaks: 0,
    recovered: 0,
    interrupted: 0,
    badRefused: 0,
    badTried: 0,
    stacks: 0,
    foreignDeleted: 0,
    doubleHeld: 0,
    racesTried: 0,
    racesClean: 0,
  };
}

export class Scenario {
  /** `log(line)` prints a detail line; `totals` receives the figures. */
  constructor({ title, cliDir, totals, log, keep }) {
    this.title = title;
    this.cliDir = cliDir;
    this.totals = totals;
    this.log = log;
    this.keep = keep;
    this.secrets = [];
    /** A team scenario's other stacks, and texts to scan for secrets besides the project's. */
    this.extraProjects = [];
    this.extraTexts = [];
  }

  /** Starts the emulator, creates the colleague's objects and the project. */
  async start(emulatorOptions = {}) {
    this.emulator = await startEmulator({
      readyDelayMs: 200,
      rateLimitPerMinute: 6000,
      quiet: true,
      strict: true,
      ...emulatorOptions,
    });
    await this.#foreignObjects();
    // The colleague's branch is compared before and after: wait until it no longer changes by itself.
    await waitFor(() => this.emulator.snapshot().branches.every((b) => b.ready), 30_000);
    this.secrets.push(this.emulator.adminCredential.token);
    this.project = new ChaosProject(this.cliDir, this.emulator);
    this.before = objects(this.emulator);
    this.firstRequest = this.emulator.requests().length;
    return this;
  }

  /** A colleague (another credential) made a branch and two tokens named as ours will be. */
  async #foreignObjects() {
    const org = this.emulator.organization;
    const colleague = await this.api("POST", `/organizations/${org}/service-tokens`, { name: "colleague" });
    this.secrets.push(colleague.token);
    const grant = (body) =>
      this.api("POST", `/organizations/${org}/service-tokens/${colleague.id}/access`, body);
    await grant({ access: ["read_service_tokens", "write_service_tokens"] });
    await grant({ database: "app", access: ["create_branch", "read_branch"] });
    const as = { id: colleague.id, token: colleague.token };
    await this.api("POST", `/organizations/${org}/databases/app/branches`, { name: FOREIGN.branch }, as);
    for (const name of FOREIGN.tokens) {
      const t = await this.api("POST", `/organizations/${org}/service-tokens`, { name }, as);
      this.secrets.push(t.token);
    }
  }

  /** Calls the emulator's API (setup only: the figures count only what the runs sent). */
  async api(method, path, body, credential = this.emulator.adminCredential) {
    const res = await fetch(`${this.emulator.apiUrl}${path}`, {
      method,
      headers: { Authorization: `${credential.id}:${credential.token}`, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`setup: ${method} ${path} answered ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Runs one CLI command under `faults` (none after it); `kill` as in {@link ChaosProject.pulumi}. */
  async run(args, { faults = {}, kill } = {}) {
    this.emulator.setFaults(faults);
    try {
      return await this.project.pulumi(args, { kill });
    } finally {
      this.emulator.setFaults({});
    }
  }

  /** `pulumi up` until it succeeds, at most `attempts` times (as a user re-runs a failed `up`); says when it did. */
  async upUntilDone(faults, attempts = 4) {
    for (let i = 1; i <= attempts; i++) {
      const r = await this.run(["up", "--yes"], { faults });
      if (r.code === 0) return `after ${i} up(s)`;
      this.log(`  up attempt ${i} failed: ${lastError(r.output)}`);
    }
    return `never, in ${attempts} attempts`;
  }

  /** `pulumi destroy` until it succeeds, at most `attempts` times. */
  async destroyUntilDone(faults, attempts = 4) {
    for (let i = 1; i <= attempts; i++) {
      const r = await this.run(["destroy", "--yes"], { faults });
      if (r.code === 0) return `after ${i} destroy(s)`;
      this.log(`  destroy attempt ${i} failed: ${lastError(r.output)}`);
    }
    return `never, in ${attempts} attempts`;
  }

  /** The stack's state and PlanetScale's objects compared; `declared` when the run should have converged. */
  async agreement(declared) {
    const checkpoint = this.project
      .stateFiles()
      .find((f) => f.path.endsWith(join(".pulumi", "stacks", "chaos", "chaos.json")));
    const state = stateOf(checkpoint ? JSON.parse(checkpoint.text) : undefined);
    return agreement({ emulator: this.emulator, before: this.before, state, declared });
  }

  /** Adds the stack/PlanetScale disagreement to the figures (`label` says at which point). */
  async audit(label, declared) {
    const a = await this.agreement(declared);
    this.totals.lost += a.lost;
    this.totals.duplicates += a.duplicates;
    this.totals.orphans += a.orphans;
    this.log(`  ${label}: lost=${a.lost} duplicates=${a.duplicates} orphans=${a.orphans}`);
    for (const p of a.problems) this.log(`    ${p}`);
    return a;
  }

  /** Learns the secrets the state holds (to look for them in plaintext later). */
  async learnSecrets() {
    // A team scenario runs only its members' stacks: this project's was never made, nothing to learn.
    if (!this.project.initialized) return;
    try {
      this.secrets.push(...secretsOf(await this.project.exportStack(true)));
    } catch (error) {
      this.log(`  could not read the stack's secrets: ${error.message.split("\n")[0]}`);
    }
  }

  /** Ends the scenario: ops, faults, foreign objects and leaks; stops the emulator. */
  async finish() {
    await this.emulator.lateApplied();
    await this.learnSecrets();
    const admin = this.emulator.adminCredential.id;
    const sent = this.emulator
      .requests()
      .slice(this.firstRequest)
      .filter((r) => r.credentialId === admin);
    const injected = sent.filter((r) => r.fault !== undefined);
    const faults = injected.length;
    const kinds = new Map();
    for (const r of injected) {
      const kind = r.fault === "drop" ? "drop" : `${r.fault} ${r.status || "drop"}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    this.totals.ops += sent.length;
    this.totals.faults += faults;

    const touched = foreignTouched(this.emulator, this.before);
    this.totals.foreignTouched += touched.length;
    for (const t of touched) this.log(`    foreign object touched: ${t}`);

    let exported = "";
    // Exporting a stack never initialized would first make it (`stack init`): two commands for nothing.
    if (this.project.initialized)
      try {
        exported = JSON.stringify(await this.project.exportStack(false));
      } catch {
        // A stack whose init failed has nothing to export.
      }
    // Every token and password the emulator handed out: the scan knows them without the state.
    const issued = this.emulator.issuedSecretDigests();
    const found = leaks(
      [
        { where: "CLI output", text: this.project.output },
        ...this.extraProjects.map((p) => ({ where: `CLI output of ${p.stack}`, text: p.output })),
        ...this.extraProjects.flatMap((p) => p.stateFiles().map((f) => ({ where: f.path, text: f.text }))),
        ...this.extraTexts,
        { where: "stack export", text: exported },
        { where: "emulator request log", text: JSON.stringify(this.emulator.requests()) },
        ...this.project
          .stateFiles()
          .map((f) => ({ where: f.path.slice(this.project.dir.length + 1), text: f.text })),
      ],
      this.secrets,
      issued,
    );
    this.totals.leaks += found.length;
    for (const l of found) this.log(`    leak: ${l}`);
    const breakdown = [...kinds].map(([kind, n]) => `${n}× ${kind}`).join(", ");
    this.log(
      `  ops=${sent.length} faults=${faults}${breakdown ? ` (${breakdown})` : ""} foreign_touched=${touched.length} leaks=${found.length} (of ${issued.length} issued secrets)`,
    );

    await this.emulator.stop();
    if (!this.keep) this.project.remove();
    else this.log(`  project kept in ${this.project.dir}`);
  }
}

/** The last `error:` line a failed command printed (or its last line). */
export function lastError(output) {
  const lines = output.split("\n").map((l) => l.trim());
  const errors = lines.filter((l) => /error:/i.test(l) && !/^error: update failed$/.test(l));
  return (errors.at(-1) ?? lines.filter(Boolean).at(-1) ?? "").slice(0, 300);
}
