/** Types of scripts/lib/postgres.mjs. */
import type { Client } from "pg";

export interface Postgres {
  /** `postgres://…` backend URL; holds the password: never print it. */
  url: string;
  password: string;
  port: number;
  client(): Client;
  stop(): Promise<void>;
}

export function untraversableDirectory(path: string): string | undefined;
export function startPostgres(options?: { log?: (line: string) => void }): Promise<Postgres>;
