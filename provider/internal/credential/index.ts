import { passwordFlavor } from "./password";
import { credentialResource } from "./resource";
import { roleFlavor } from "./role";

/** The BranchPassword provider methods (MySQL), dispatched by the provider runtime. */
export const branchPasswordResource = credentialResource(passwordFlavor);

/** The BranchRole provider methods (Postgres), dispatched by the provider runtime. */
export const branchRoleResource = credentialResource(roleFlavor);
