import * as z from "zod";
import { describeRetries, ResponseValidationError } from "../client/errors";

/** Page size requested from list endpoints (PlanetScale's maximum). */
export const PER_PAGE = 100;
/** Safety stop: more pages than this means the server is looping. */
export const MAX_PAGES = 10_000;

/** Query values accepted by {@link PageRequester.request}. */
export type QueryValues = Record<string, string | number | boolean | undefined>;

/** The subset of the HTTP client (`PlanetScaleClient`) that pagination needs. */
export interface PageRequester {
  request<T>(options: {
    method: "GET";
    path: string;
    query?: QueryValues;
    schema?: z.ZodType<T>;
  }): Promise<T>;
}

// PlanetScale's envelope is `{type, current_page, next_page, prev_page, …, data}`, but older answers
// carry only some of these, so only `data` is required (the other fields pass through unchecked).
// `next_page` may come as a number or a numeric string; null or absent ends the listing.
const NextPage = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]).nullish();

/** The schema of one page of a PlanetScale list endpoint whose items match `item`. */
export function listEnvelope<T>(item: z.ZodType<T>) {
  return z.looseObject({ data: z.array(item), next_page: NextPage });
}

/**
 * Iterates over every item of a page-based list: `page=1..`, `per_page=100`, following
 * `next_page` until it is null or absent. Each page is validated; a bad item fails with its
 * position (e.g. `data.3.name`).
 */
export async function* paginate<T>(
  client: PageRequester,
  path: string,
  options: { query?: QueryValues | undefined; itemSchema: z.ZodType<T> },
): AsyncGenerator<T, void, undefined> {
  const schema = listEnvelope(options.itemSchema);
  let page = 1;
  for (let count = 0; count < MAX_PAGES; count++) {
    const body = await client.request({
      method: "GET",
      path,
      query: { ...options.query, page, per_page: PER_PAGE },
      schema,
    });
    for (const item of body.data) yield item;
    const next = body.next_page;
    if (next === null || next === undefined) return;
    if (next <= page) {
      throw new ResponseValidationError(
        `GET ${path} → page ${page} names next_page ${next}, which does not move forward (${describeRetries(0)})`,
        { method: "GET", path, status: 200 },
      );
    }
    page = next;
  }
  throw new ResponseValidationError(`GET ${path} → more than ${MAX_PAGES} pages; stopping`, {
    method: "GET",
    path,
    status: 200,
  });
}
