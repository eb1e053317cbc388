/** The stage that keeps the API under `/v1`, as PlanetScale's is: any other path answers 404. */
import { notFound } from "../http/errors";
import { errorAnswer, type Stage } from "./exchange";

/** 404 outside `/v1`; sets {@link Exchange.subpath} to the path after it. */
export function apiPrefix(): Stage {
  return (next) => async (exchange) => {
    const { method, path } = exchange;
    if (path !== "/v1" && !path.startsWith("/v1/")) {
      return errorAnswer(notFound(`no route for ${method} ${path}: the API lives under /v1`));
    }
    exchange.subpath = path.slice(3);
    return next(exchange);
  };
}
