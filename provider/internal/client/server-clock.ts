/**
 * What this process knows about PlanetScale's clock, learned from the `Date` header of every
 * answer. PlanetScale stamps objects with `created_at` in its own time; comparing that with our
 * own clock would be wrong by the machines' skew. Each answer proves that the server's clock read
 * `Date` (whole seconds) at some moment between sending the request and receiving the answer, which
 * bounds the offset (server minus local) from both sides; the bounds only ever narrow.
 */
export class ServerClock {
  /** Lower and upper bound of (server time − local time), in ms; undefined until an answer is seen. */
  private low: number | undefined;
  private high: number | undefined;

  /**
   * Records one answer: sent at local `sentAt`, received at local `receivedAt`, carrying the
   * `Date` header `date` (ignored when absent or unparsable).
   */
  observe(sentAt: number, receivedAt: number, date: string | undefined): void {
    if (!date) return;
    const server = Date.parse(date);
    if (Number.isNaN(server)) return;
    // The server's clock read [server, server + 1 s) at a local instant in [sentAt, receivedAt].
    const low = server - receivedAt;
    const high = server + 1000 - sentAt;
    const nextLow = this.low === undefined ? low : Math.max(this.low, low);
    const nextHigh = this.high === undefined ? high : Math.min(this.high, high);
    // Contradicting answers (the server's clock was set back): start again from the newest one.
    if (nextLow > nextHigh) {
      this.low = low;
      this.high = high;
      return;
    }
    this.low = nextLow;
    this.high = nextHigh;
  }

  /**
   * The interval of server times that the local instant `local` may correspond to. Without any
   * answer seen yet, `fallbackSkewMs` either side.
   */
  range(local: number, fallbackSkewMs: number): { earliest: number; latest: number } {
    if (this.low === undefined || this.high === undefined) {
      return { earliest: local - fallbackSkewMs, latest: local + fallbackSkewMs };
    }
    return { earliest: local + this.low, latest: local + this.high };
  }
}
