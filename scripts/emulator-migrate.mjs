#!/usr/bin/env node
// The stand-in for a migration tool where PlanetScale is the emulator (the tests and the demo): runs
// the SQL files it is given, in order, on the branch whose DATABASE_URL it gets, as a migration tool
// runs them over the branch's connection. The emulator has no database server, so the statements go
// to its DDL endpoint (`POST /_emulator/schema`) with the URL's user and password, which name the
// branch. The URL holds the password: it is never printed.
//
//   DATABASE_URL=mysql://user:pass@host/app PLANETSCALE_API_URL=http://127.0.0.1:PORT/v1 \
//     node scripts/emulator-migrate.mjs migrations/001_orders.sql migrations/002_invoices.sql
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const fail = (message) => {
  console.error(`emulator-migrate: ${message}`);
  process.exit(1);
};
const files = process.argv.slice(2);
if (files.length === 0) fail("give the SQL files to run, in order");
const url = process.env.DATABASE_URL;
if (!url) fail("DATABASE_URL is not set (the branch's connection URL)");
const api = process.env.PLANETSCALE_API_URL;
if (!api) fail("PLANETSCALE_API_URL is not set (the emulator's API URL)");
let username;
let password;
try {
  const parsed = new URL(url);
  username = decodeURIComponent(parsed.username);
  password = decodeURIComponent(parsed.password);
} catch {
  fail("DATABASE_URL is not a URL");
}
const control = `${api.replace(/\/v1\/?$/, "")}/_emulator/schema`;
for (const file of files) {
  const res = await fetch(control, {
    method: "POST",
    body: JSON.stringify({ username, password, statements: [readFileSync(file, "utf8")] }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status !== 200) fail(`${basename(file)}: ${body.message ?? `HTTP ${res.status}`}`);
  console.log(`applied ${basename(file)} to branch ${body.branch}: tables ${body.tables.join(", ")}`);
}
