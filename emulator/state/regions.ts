/** A PlanetScale region as the API returns it (`region` object of branches and databases). */
export interface Region {
  id: string;
  provider: string;
  enabled: boolean;
  public_ip_addresses: string[];
  display_name: string;
  location: string;
  slug: string;
  current_default: boolean;
  mysql_supported: boolean;
  postgresql_supported: boolean;
}

interface RegionDef {
  slug: string;
  id: string;
  displayName: string;
  location: string;
  awsRegion: string;
  ips: string[];
}

const REGIONS: readonly RegionDef[] = [
  {
    slug: "us-east",
    id: "rgnuseast001",
    displayName: "AWS us-east-1",
    location: "Northern Virginia",
    awsRegion: "us-east-1",
    ips: ["3.209.149.66", "3.215.97.46", "34.193.111.15"],
  },
  {
    slug: "us-west",
    id: "rgnuswest001",
    displayName: "AWS us-west-2",
    location: "Oregon",
    awsRegion: "us-west-2",
    ips: ["44.227.135.92", "52.41.196.106"],
  },
  {
    slug: "eu-west",
    id: "rgneuwest001",
    displayName: "AWS eu-west-1",
    location: "Dublin",
    awsRegion: "eu-west-1",
    ips: ["3.248.40.153", "52.208.255.100"],
  },
  {
    slug: "eu-central",
    id: "rgneucentr01",
    displayName: "AWS eu-central-1",
    location: "Frankfurt",
    awsRegion: "eu-central-1",
    ips: ["3.125.177.141", "18.157.125.20"],
  },
  {
    slug: "ap-southeast",
    id: "rgnapsoutht1",
    displayName: "AWS ap-southeast-1",
    location: "Singapore",
    awsRegion: "ap-southeast-1",
    ips: ["13.213.7.148", "54.255.10.220"],
  },
  {
    slug: "ap-northeast",
    id: "rgnapnorth01",
    displayName: "AWS ap-northeast-1",
    location: "Tokyo",
    awsRegion: "ap-northeast-1",
    ips: ["35.72.32.100", "52.197.136.156"],
  },
];

/** The region slugs the emulator accepts, in display order. */
export const REGION_SLUGS: readonly string[] = REGIONS.map((r) => r.slug);

/** The default region for new databases. */
export const DEFAULT_REGION = "us-east";

/** True when `slug` is a known region. */
export function isRegion(slug: string): boolean {
  return REGIONS.some((r) => r.slug === slug);
}

/** The API's region object for a known slug. */
export function regionObject(slug: string): Region {
  const region = REGIONS.find((x) => x.slug === slug) ?? REGIONS[0]!;
  return {
    id: region.id,
    provider: "AWS",
    enabled: true,
    public_ip_addresses: [...region.ips],
    display_name: region.displayName,
    location: region.location,
    slug: region.slug,
    current_default: region.slug === DEFAULT_REGION,
    mysql_supported: true,
    postgresql_supported: true,
  };
}

/** The MySQL hosts a branch in `slug` answers on: `aws.connect.psdb.cloud` for us-east. */
export function mysqlAddresses(slug: string): { address: string; edge: string } {
  const region = REGIONS.find((x) => x.slug === slug) ?? REGIONS[0]!;
  const address =
    region.slug === "us-east" ? "aws.connect.psdb.cloud" : `aws-${region.awsRegion}.connect.psdb.cloud`;
  return { address, edge: `aws-${region.awsRegion}.edge.psdb.cloud` };
}

/** The spec's public region object (`list_public_regions`): without the organization-specific flags. */
export function publicRegionObject(
  slug: string,
): Pick<
  Region,
  "id" | "provider" | "enabled" | "public_ip_addresses" | "display_name" | "location" | "slug"
> {
  const { id, provider, enabled, public_ip_addresses, display_name, location } = regionObject(slug);
  return { id, provider, enabled, public_ip_addresses, display_name, location, slug };
}

/** The Postgres host a branch in `slug` answers on, e.g. `us-east-1.pg.psdb.cloud`. */
export function postgresAddress(slug: string): string {
  const region = REGIONS.find((x) => x.slug === slug) ?? REGIONS[0]!;
  return `${region.awsRegion}.pg.psdb.cloud`;
}
