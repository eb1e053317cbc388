/** Types of scripts/chaos/audit.mjs, for the tests of chaos's measures. */
import type { Emulator } from "../../emulator";

/** One PlanetScale object as the audit compares it (never secrets). */
export interface AuditedObject {
  kind: "Branch" | "ApiToken";
  name: string | null;
  database: string | null;
  data: Record<string, unknown>;
}

/** One resource of the stack's state. */
export interface StateResource {
  kind: "Branch" | "ApiToken";
  name: string;
  id: string;
  outputs: Record<string, unknown>;
}

export const BRANCH: string;
export const TOKEN: string;
export function objects(emulator: Emulator): Map<string, AuditedObject>;
export function stateOf(checkpoint: unknown): { resources: StateResource[]; pending: number };
export function agreement(options: {
  emulator: Emulator;
  before: Map<string, AuditedObject>;
  state: { resources: StateResource[]; pending: number };
  declared: Array<{ kind: string; name: string }> | null;
}): { lost: number; duplicates: number; orphans: number; pending: number; problems: string[] };
export function foreignTouched(emulator: Emulator, before: Map<string, AuditedObject>): string[];
export function leaks(
  texts: Array<{ where: string; text: string }>,
  secrets: unknown[],
  issuedDigests?: string[],
): string[];
export function secretsOf(decrypted: unknown): string[];
