/**
 * The DeployRequest provider object; see `./branch` for why this module's exports are the shell.
 * Its package export is a contract with state: never remove or rename it.
 */
import { ProviderShell } from "../dynamic/provider-shell";

export = new ProviderShell("deployRequest");
