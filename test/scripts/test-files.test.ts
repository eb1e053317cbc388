// The order `npm test` starts its files in, and the reporter that records how long each took.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");
let files: typeof import("../../scripts/lib/test-files.mjs");
let dir: string;
before(async () => {
  files = await import("../../scripts/lib/test-files.mjs");
  dir = mkdtempSync(join(tmpdir(), "pps-test-files-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A repository with these (empty) test files. */
function repository(name: string, paths: string[]): string {
  const root = join(dir, name);
  for (const path of paths) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), "");
  }
  return root;
}

describe("findTests", () => {
  const paths = [
    "test/client/x.test.ts",
    "test/client/y.test.ts",
    "test/e2e/a.test.ts",
    "test/e2e/b.test.ts",
    "test/examples/w.test.ts",
    "test/acceptance/z.test.ts",
    "test/support/helper.ts",
  ];

  test("without durations: the CLI tiers first, each tier by name; never the on-request tier", () => {
    const root = repository("unmeasured", paths);
    assert.deepEqual(files.findTests(root, {}), [
      "test/e2e/a.test.ts",
      "test/e2e/b.test.ts",
      "test/examples/w.test.ts",
      "test/client/x.test.ts",
      "test/client/y.test.ts",
    ]);
  });

  test("longest recorded first; a CLI file never measured before them, any other after them", () => {
    const root = repository("measured", paths);
    const durations = {
      "test/client/x.test.ts": 90_000,
      "test/e2e/a.test.ts": 20_000,
      "test/examples/w.test.ts": 60_000,
      "test/gone.test.ts": 500_000,
    };
    assert.deepEqual(files.findTests(root, durations), [
      "test/e2e/b.test.ts",
      "test/client/x.test.ts",
      "test/examples/w.test.ts",
      "test/e2e/a.test.ts",
      "test/client/y.test.ts",
    ]);
  });

  test("some files only (test:repeat's named files): in the same order, whatever order they are given in", () => {
    const durations = { "test/client/x.test.ts": 90_000, "test/e2e/a.test.ts": 20_000 };
    assert.deepEqual(
      files.longestFirst(
        ["test/client/y.test.ts", "test/e2e/a.test.ts", "test/e2e/b.test.ts", "test/client/x.test.ts"],
        durations,
      ),
      ["test/e2e/b.test.ts", "test/client/x.test.ts", "test/e2e/a.test.ts", "test/client/y.test.ts"],
    );
  });
});

test("the durations reporter records each file's duration and prints the slowest", async () => {
  const root = repository("reported", ["test/one.test.mjs", "test/two.test.mjs"]);
  const body = 'import { test } from "node:test";\ntest("passes", () => {});\n';
  writeFileSync(join(root, "test/one.test.mjs"), body);
  writeFileSync(join(root, "test/two.test.mjs"), body);
  const cache = join(dir, "cache");
  mkdirSync(cache);
  writeFileSync(join(cache, "test-durations.json"), JSON.stringify({ "test/kept.test.ts": 7 }));
  // A runner of its own, not a child of this one (which NODE_TEST_CONTEXT would make it).
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = await runProcess(
    process.execPath,
    [files.RUN_IN_ORDER, ...files.reporterArgs(repoRoot), "test/one.test.mjs", "test/two.test.mjs"],
    { cwd: root, env: { ...env, PULUMI_PLANETSCALE_CACHE: cache } },
  );
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const recorded = JSON.parse(readFileSync(join(cache, "test-durations.json"), "utf8"));
  assert.deepEqual(Object.keys(recorded).sort(), [
    "test/kept.test.ts",
    "test/one.test.mjs",
    "test/two.test.mjs",
  ]);
  for (const file of ["test/one.test.mjs", "test/two.test.mjs"]) {
    assert.ok(Number.isInteger(recorded[file]) && recorded[file] > 0, `${file}: ${recorded[file]}`);
  }
  assert.match(run.stdout, /slowest test files \(of 2, /);
  assert.match(run.stdout, /^ +\d+\.\d s {2}test\/one\.test\.mjs$/m);
  assert.match(run.stdout, /^ +\d+\.\d s {2}test\/two\.test\.mjs$/m);
  assert.match(run.stdout, /✔ passes/, "the spec reporter still prints the tests");
});

describe("run-in-order.mjs, the runner of npm test", () => {
  // A runner of its own, not a child of this one (which NODE_TEST_CONTEXT would make it).
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  /** `node run-in-order.mjs <args>` in `root`, as npm test runs it. */
  const runInOrder = (root: string, ...args: string[]) =>
    runProcess(process.execPath, [files.RUN_IN_ORDER, ...args], { cwd: root, env });

  test("starts the files in the order given, not by name as `node --test` does", async () => {
    const root = repository("ordered", ["test/z.test.mjs", "test/a.test.mjs", "test/m.test.mjs"]);
    const started = join(root, "started.txt");
    for (const name of ["z", "a", "m"]) {
      writeFileSync(
        join(root, `test/${name}.test.mjs`),
        `import { appendFileSync } from "node:fs";\nimport { test } from "node:test";\n` +
          `appendFileSync(${JSON.stringify(started)}, "${name}\\n");\ntest("${name} passes", () => {});\n`,
      );
    }
    const run = await runInOrder(
      root,
      "--test-concurrency=1",
      "test/z.test.mjs",
      "test/a.test.mjs",
      "test/m.test.mjs",
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(readFileSync(started, "utf8").trim().split("\n"), ["z", "a", "m"]);
    assert.match(run.stdout, /✔ z passes[\s\S]*✔ a passes[\s\S]*✔ m passes/);
  });

  test("a failing test fails the run, a failing todo does not; a file that never ends fails it at --test-timeout, named", async () => {
    const root = repository("failing", ["test/fails.test.mjs", "test/never.test.mjs"]);
    writeFileSync(
      join(root, "test/fails.test.mjs"),
      'import assert from "node:assert";\nimport { test } from "node:test";\ntest("fails", () => assert.fail("no"));\n',
    );
    // A test whose process never exits (an interval nothing clears), as a hung child process would.
    writeFileSync(
      join(root, "test/never.test.mjs"),
      'import { test } from "node:test";\ntest("never ends", () => new Promise(() => setInterval(() => {}, 1000)));\n',
    );
    const failing = await runInOrder(root, "test/fails.test.mjs");
    assert.equal(failing.code, 1, failing.stdout + failing.stderr);
    assert.match(failing.stdout, /✖ fails/);
    // A failing `todo` test is reported and does not fail the run, as with `node --test`.
    writeFileSync(
      join(root, "test/todo.test.mjs"),
      'import { test } from "node:test";\ntest("not yet", { todo: true }, () => { throw new Error("no"); });\n',
    );
    const todo = await runInOrder(root, "test/todo.test.mjs");
    assert.equal(todo.code, 0, todo.stdout + todo.stderr);
    assert.match(todo.stdout, /not yet.*# TODO|ℹ todo 1/);
    const hung = await runInOrder(root, "--test-timeout=1000", "test/never.test.mjs");
    assert.equal(hung.code, 1, hung.stdout + hung.stderr);
    assert.match(hung.stdout, /✖ .*test\/never\.test\.mjs[\s\S]*timed out after 1000ms/);
  });

  test("npm test's arguments: its defaults, each replaced by an option that names it", () => {
    const args = files.testRunArgs(["test/a.test.ts"], ["--test-name-pattern=x"]);
    assert.deepEqual(args, [
      "--require",
      files.TS_REGISTER,
      files.RUN_IN_ORDER,
      `--test-concurrency=${files.TEST_CONCURRENCY}`,
      `--test-timeout=${files.FILE_TIMEOUT_MS}`,
      "--test-name-pattern=x",
      "test/a.test.ts",
    ]);
    assert.deepEqual(files.testRunArgs(["f"], ["--test-concurrency=1", "--test-timeout=5"]).slice(3), [
      "--test-concurrency=1",
      "--test-timeout=5",
      "f",
    ]);
  });
});

describe("ts-register.cjs, the TypeScript of npm test's processes", () => {
  test("runs a TypeScript file's types, enums and imports, and its stack traces name the .ts lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pps-ts-register-"));
    try {
      writeFileSync(join(dir, "shape.ts"), "export enum Shape { Round = 1 }\nexport type Unused = string;\n");
      writeFileSync(
        join(dir, "main.ts"),
        [
          'import { Shape } from "./shape";',
          "class Box { readonly size: number = Shape.Round; }",
          "const box: Box = new Box();",
          'console.log("size " + box.size);',
          'throw new Error("from line 5");',
        ].join("\n"),
      );
      const run = await runProcess(process.execPath, ["--require", files.TS_REGISTER, join(dir, "main.ts")], {
        cwd: dir,
      });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(run.stdout, "size 1\n");
      assert.match(run.stderr, /Error: from line 5\n\s+at .*main\.ts:5:7/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("one tarball per test run", () => {
  test("within a run that packed once, packTree copies the run's tarball instead of packing", async () => {
    const registry = await import("../../scripts/lib/local-registry.mjs");
    const packed = join(dir, "run", "pulumi-planetscale-0.0.0-probe.tgz");
    mkdirSync(dirname(packed), { recursive: true });
    writeFileSync(packed, "the run's tarball");
    const before = process.env[registry.PACKED_TARBALL];
    process.env[registry.PACKED_TARBALL] = packed;
    try {
      const into = join(dir, "project");
      mkdirSync(into);
      const copy = registry.packTree(into);
      assert.equal(copy, join(into, "pulumi-planetscale-0.0.0-probe.tgz"));
      assert.equal(readFileSync(copy, "utf8"), "the run's tarball");
    } finally {
      if (before === undefined) delete process.env[registry.PACKED_TARBALL];
      else process.env[registry.PACKED_TARBALL] = before;
    }
  });
});
