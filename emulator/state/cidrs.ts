/**
 * IP restrictions of a password (`cidrs`): IPv4 or IPv6 addresses and CIDR ranges, as the spec's
 * `create_password` and `update_password` take them ("List of IP addresses or CIDR ranges that can
 * use this password").
 */
import { BlockList, isIP } from "node:net";

/** One entry as an address, its prefix length and its family; undefined when it is neither an address nor a range. */
function parse(entry: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | undefined {
  const [address = "", prefixText, ...rest] = entry.trim().split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
  if (prefix < 0 || prefix > max) return undefined;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** The entries of `cidrs` that are neither an IP address nor a CIDR range. */
export function invalidCidrs(cidrs: readonly string[]): string[] {
  return cidrs.filter((entry) => parse(entry) === undefined);
}

/** Whether a client at `address` may use a password restricted to `cidrs` (null or empty: anyone). */
export function cidrsAllow(cidrs: readonly string[] | null, address: string): boolean {
  if (cidrs === null || cidrs.length === 0) return true;
  const version = isIP(address);
  if (version === 0) return false;
  const allowed = new BlockList();
  for (const entry of cidrs) {
    const range = parse(entry);
    if (range) allowed.addSubnet(range.address, range.prefix, range.family);
  }
  return allowed.check(address, version === 4 ? "ipv4" : "ipv6");
}
