/** Typed PlanetScale operations and their response schemas. */
export * from "./branches";
export * from "./deploy-request-schemas";
export * from "./deploy-requests";
export * from "./gone";
export * from "./organizations";
export * from "./pagination";
export * from "./paths";
export * from "./schema";
export * from "./schemas";
export * from "./service-tokens";
