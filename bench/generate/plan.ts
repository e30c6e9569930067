/**
 * The plan of the synthetic graph: its sizes, the index arithmetic that places every entity (no
 * per-entity state is kept), the ids, and the attributes of an entity recomputed from its index.
 */
import { int, mix, mulberry32, Stream, zipf, type Rng } from './random';
import { COMMODITIES, ELEMENTS, PLACE_PREFIXES, PLACE_SUFFIXES, STAGES, type Commodity } from './vocabulary';

// ---------------------------------------------------------------------------------------------
// Sizes and tuning

export const DEFAULT_SEED = 42;
export const MIN_NODES = 1_000;
/** Facilities per commodity network: bounds what an upstream search can reach. */
const FACILITIES_PER_NETWORK = 25_000;
/** Share of each facility layer (mines … component plants). */
const LAYER_SHARES = [0.28, 0.24, 0.2, 0.16, 0.12] as const;
/** Share of each product tier (ore, concentrate, chemical, metal, component, end use). */
const TIER_SHARES = [0.14, 0.14, 0.15, 0.15, 0.17, 0.25] as const;
/** Probability that a facility also feeds a Zipf-chosen plant of the next layer, and the exponent. */
export const HUB_EDGE_P = 0.8;
export const HUB_ZIPF_S = 1.6;

// ---------------------------------------------------------------------------------------------
// The plan: sizes and index arithmetic (no per-entity state is kept)

export interface Plan {
  readonly seed: number;
  readonly clusters: number;
  readonly depositsPerCluster: number;
  readonly layerSizes: readonly number[];
  readonly layerOffsets: readonly number[];
  readonly facilitiesPerCluster: number;
  readonly tierSizes: readonly number[];
  readonly tierOffsets: readonly number[];
  readonly productsPerCluster: number;
  readonly companiesPerCluster: number;
  readonly countries: number;
  readonly subjects: number;
  readonly districts: number;
  /** Subjects of country c are [subjectStart[c], subjectStart[c + 1]). */
  readonly subjectStart: readonly number[];
  readonly sources: number;
}

function offsets(sizes: readonly number[]): number[] {
  const out = [0];
  for (const size of sizes) out.push(out[out.length - 1]! + size);
  return out;
}

function split(total: number, shares: readonly number[], minimum: number): number[] {
  const sizes = shares.map((s) => Math.max(minimum, Math.floor(total * s)));
  sizes[sizes.length - 1] = Math.max(minimum, total - sizes.slice(0, -1).reduce((a, b) => a + b, 0));
  return sizes;
}

export function makePlan(nodes: number, seed: number): Plan {
  const rest = nodes - STAGES.length - ELEMENTS.length;
  const facilities = Math.round(rest * 0.45);
  const clusters = Math.max(1, Math.round(facilities / FACILITIES_PER_NETWORK));
  const facilitiesPerCluster = Math.floor(facilities / clusters);
  const layerSizes = split(facilitiesPerCluster, LAYER_SHARES, 2);
  const productsPerCluster = Math.floor(Math.round(rest * 0.05) / clusters);
  // A tier never has more products than the layer making it, so every product has a producer.
  const tierSizes = split(productsPerCluster, TIER_SHARES, 1).map((size, t) => (t < 5 ? Math.min(size, layerSizes[t]!) : size));
  const depositsPerCluster = Math.max(1, Math.floor(Math.round(rest * 0.1) / clusters));
  const companiesPerCluster = Math.max(1, Math.floor(Math.round(rest * 0.05) / clusters));
  const used =
    clusters * (offsets(layerSizes)[5]! + tierSizes.reduce((a, b) => a + b, 0) + depositsPerCluster + companiesPerCluster);
  const regions = Math.max(10, rest - used);
  const countries = Math.min(40, Math.max(3, Math.floor(regions / 100)));
  const subjects = Math.max(countries, Math.round(regions * 0.04));
  const districts = Math.max(subjects, regions - countries - subjects);
  // Subjects per country follow the country's weight 1/(c+1), at least one each.
  const weights = Array.from({ length: countries }, (_, c) => 1 / (c + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const perCountry = weights.map((w) => 1 + Math.floor(((subjects - countries) * w) / total));
  perCountry[0] = perCountry[0]! + subjects - perCountry.reduce((a, b) => a + b, 0);
  return {
    seed,
    clusters,
    depositsPerCluster,
    layerSizes,
    layerOffsets: offsets(layerSizes),
    facilitiesPerCluster: offsets(layerSizes)[5]!,
    tierSizes,
    tierOffsets: offsets(tierSizes),
    productsPerCluster: offsets(tierSizes)[6]!,
    companiesPerCluster,
    countries,
    subjects,
    districts,
    subjectStart: offsets(perCountry),
    sources: Math.max(5, Math.round(nodes * 0.015)),
  };
}

export function rngFor(plan: Plan, stream: Stream, index: number): Rng {
  return mulberry32(mix(mix(mix(plan.seed) ^ Math.imul(stream, 0x9e3779b1)) ^ index));
}

export const commodityOf = (cluster: number): Commodity =>
  cluster % 2 === 0 ? COMMODITIES[0]! : COMMODITIES[1 + (((cluster - 1) / 2) % (COMMODITIES.length - 1))]!;

export const placeName = (i: number): string =>
  `${PLACE_PREFIXES[i % PLACE_PREFIXES.length]!}${PLACE_SUFFIXES[Math.floor(i / PLACE_PREFIXES.length) % PLACE_SUFFIXES.length]!}`;
export const PLACES = PLACE_PREFIXES.length * PLACE_SUFFIXES.length;

export const sourceId = (i: number) => `syn-src-${i}`;
export const elementId = (symbol: string) => `syn-el-${symbol.toLowerCase()}`;
export const countryId = (i: number) => `syn-country-${i}`;
export const subjectId = (i: number) => `syn-subject-${i}`;
export const districtId = (i: number) => `syn-district-${i}`;
export const companyId = (c: number, j: number, plan: Plan) => `syn-co-${c * plan.companiesPerCluster + j}`;
export const depositId = (c: number, j: number, plan: Plan) => `syn-dep-${c * plan.depositsPerCluster + j}`;
export const facilityId = (c: number, layer: number, j: number, plan: Plan) =>
  `syn-fac-${c * plan.facilitiesPerCluster + plan.layerOffsets[layer]! + j}`;
export const productId = (c: number, tier: number, j: number, plan: Plan) => `syn-prd-${c * plan.productsPerCluster + plan.tierOffsets[tier]! + j}`;

/** 1 or 2 distinct source ids. */
export function cite(rng: Rng, plan: Plan): string[] {
  const first = Math.floor(rng() * plan.sources);
  if (rng() >= 0.35 || plan.sources < 2) return [sourceId(first)];
  return [sourceId(first), sourceId((first + 1 + Math.floor(rng() * (plan.sources - 1))) % plan.sources)];
}

export function citeOne(rng: Rng, plan: Plan): string[] {
  return [sourceId(Math.floor(rng() * plan.sources))];
}

/** A district where a network's sites lie: its countries follow a Zipf law, rotated per network. */
export function district(rng: Rng, plan: Plan, cluster: number): number {
  const country = (zipf(rng, plan.countries, 1.1) + cluster * 7) % plan.countries;
  const s0 = plan.subjectStart[country]!;
  const subject = s0 + Math.floor(rng() * (plan.subjectStart[country + 1]! - s0));
  const d0 = Math.ceil((subject * plan.districts) / plan.subjects);
  const d1 = Math.ceil(((subject + 1) * plan.districts) / plan.subjects);
  return d0 + Math.floor(rng() * Math.max(1, d1 - d0));
}

// ---------------------------------------------------------------------------------------------
// Per-entity attributes, recomputable from the index alone

export type FacilityStatus = 'operating' | 'planned' | 'under-construction' | 'pilot' | 'historical';

export interface FacilityState {
  readonly status: FacilityStatus;
  readonly startYear: number;
  readonly endYear: number | undefined;
}

export function facilityState(plan: Plan, global: number): FacilityState {
  const rng = rngFor(plan, Stream.Facility, global);
  const u = rng();
  if (u < 0.84) return { status: 'operating', startYear: int(rng, 1960, 2024), endYear: undefined };
  if (u < 0.93) return { status: 'planned', startYear: int(rng, 2026, 2032), endYear: undefined };
  if (u < 0.96) return { status: 'under-construction', startYear: int(rng, 2025, 2028), endYear: undefined };
  if (u < 0.99) return { status: 'pilot', startYear: int(rng, 2018, 2025), endYear: undefined };
  const startYear = int(rng, 1950, 1990);
  return { status: 'historical', startYear, endYear: int(rng, 1991, 2020) };
}

export type DepositStatus = 'operating' | 'licensed' | 'planned' | 'exploration';

export function depositStatus(plan: Plan, global: number): DepositStatus {
  const u = rngFor(plan, Stream.Deposit, global)();
  return u < 0.7 ? 'operating' : u < 0.8 ? 'licensed' : u < 0.9 ? 'planned' : 'exploration';
}

/** The status and start of a flow between two sites: the weakest of the two ends. */
export function linkState(a: FacilityState | undefined, b: FacilityState): { status: string; startYear: number; endYear: number | null } {
  const states = a ? [a, b] : [b];
  const startYear = Math.max(...states.map((s) => s.startYear));
  if (states.some((s) => s.status === 'historical')) {
    return { status: 'historical', startYear, endYear: Math.min(...states.map((s) => s.endYear ?? 9999)) };
  }
  if (states.some((s) => s.status === 'planned' || s.status === 'under-construction')) return { status: 'planned', startYear, endYear: null };
  if (states.some((s) => s.status === 'pilot')) return { status: 'pilot', startYear, endYear: null };
  return { status: 'operating', startYear, endYear: null };
}

/** Operator of a facility: a Zipf-weighted company of the same network (a few large operators). */
export function operatorOf(plan: Plan, rng: Rng): number {
  return rng() < 0.5 ? zipf(rng, plan.companiesPerCluster, 1.1) : Math.floor(rng() * plan.companiesPerCluster);
}

/** The place word of a facility's name (also the benchmark's search text). */
export function facilityPlace(plan: Plan, global: number): string {
  return placeName(Math.floor(rngFor(plan, Stream.FacilityPlace, global)() * PLACES));
}
