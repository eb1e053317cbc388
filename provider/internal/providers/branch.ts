/**
 * The Branch provider object. This module's exports *are* the {@link ProviderShell}, so when the
 * package is installed (under `node_modules`), Pulumi's closure serializer recognises the object as
 * a module and stores `require("pulumi-planetscale/internal/providers/branch")` in state (~0.3 KB)
 * instead of the shell's method wrappers (~4 KB), twice per resource. Where the package is not under
 * `node_modules` (a linked checkout) the shell is stored by value, which works just the same.
 * Its package export is a contract with state: never remove or rename it.
 */
import { ProviderShell } from "../dynamic/provider-shell";

export = new ProviderShell("branch");
