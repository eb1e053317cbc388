// Moved to the input kit, which every resource's `check` uses; kept here for existing imports.
export { checkFailures } from "../inputs/check-failures";
