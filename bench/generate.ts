/**
 * A synthetic, supply-chain shaped graph for benchmarks, stored exactly like the seed graph
 * (see seed/validate.ts and seed/loader.ts), so the real server can query it.
 *
 * Shape. Besides the 6 supply-chain stages (ids of seed/data/nodes/SupplyChainStage.json) and 30
 * `syn-el-*` elements, the graph consists of independent commodity networks ("clusters", about
 * FACILITIES_PER_NETWORK facilities each; half of them rare earths) plus shared regions:
 *   - facilities (~45 %) in 5 layers: mines → concentrators → separation → metal/alloy → magnet /
 *     component plants. Every facility FEEDS the next layer through a "band" mapping (every facility
 *     has at least one input and one output) and, with probability HUB_EDGE_P, one more plant of the
 *     next layer drawn from a Zipf distribution (exponent HUB_ZIPF_S): a few hub plants per layer
 *     have thousands of inputs while out-degrees stay small;
 *   - deposits (~10 %) FEED mines (exploration deposits feed nothing), CONTAIN elements of their
 *     commodity, are LOCATED_IN a district and licensed (HOLDS_LICENCE) to a company;
 *   - products (~5 %) in 6 tiers (ore … end use): each facility PRODUCES one product of its layer,
 *     products are CONSUMED_BY 1–3 facilities of the next layer and USED_IN products of the next
 *     tier (end uses in chains toward a few top-level end uses);
 *   - companies (~5 %) OPERATE facilities, hold licences, are HEADQUARTERED_IN a country and some
 *     are SUBSIDIARY_OF an older company of the same network;
 *   - regions (the rest, ~35 %): a few dozen countries → federal subjects → districts (PART_OF
 *     child → parent); networks are concentrated in a few countries (Zipf);
 *   - sources (~1.5 %, `:Source`), cited 1–2 per node and 1 per relationship.
 * Statuses are mostly operating; ~9 % planned / 3 % under construction (future startYear), 3 %
 * pilot, 1 % historical (with endYear).
 *
 * Determinism. Every entity's attributes and outgoing relationships come from its own PRNG
 * (mulberry32 seeded from a hash of seed, stream and index), so the same seed and size give the
 * identical graph and any row can be produced without generating the others: the rows are
 * generated in streaming batches and memory stays bounded whatever the size.
 *
 * The networks are independent so that an upstream search (the alternatives of `impact`) is
 * bounded by one network, whatever the total size; hubs make it cover much of that network.
 *
 * Loading. Schema first (SCHEMA_STATEMENTS, then db.awaitIndexes), then `UNWIND $rows … CREATE`
 * in one managed write transaction per batch of `batchSize` rows (rows sent as one tab-separated
 * string, see "Loading" below): nodes per label, then relationships per type with both endpoints
 * matched through the `entity_id` uniqueness index. CREATE, not MERGE: the benchmark loads into a
 * database without `syn-` nodes (the CLI refuses otherwise), MERGE would cost an extra index
 * lookup per row, and the uniqueness constraint still rejects any duplicate id. MERGE only for the
 * 6 stage nodes and their NEXT_STAGE chain, whose ids are shared with the seed graph and may
 * already exist. Two transactions are in flight at a time and the next batch is generated while
 * the database writes.
 */
import neo4j, { Neo4jError, type Driver } from 'neo4j-driver';
import { SCHEMA_STATEMENTS } from '../src/db/queries/schema';
import { FLOW_TYPES } from '../src/domain/graphModel';

export interface GenerateOptions {
  /** Total domain (`:Entity`) nodes, approximately (at least 1,000). Sources come on top (~1.5 %). */
  nodes: number;
  /** PRNG seed (default 42): same seed and size, identical graph. */
  seed?: number;
  /** Rows per write transaction (default 10,000). */
  batchSize?: number;
  log?: (m: string) => void;
}

export interface GeneratedGraph {
  /** Nodes created (domain nodes and sources; stage nodes that already existed are not counted). */
  nodes: number;
  /** Relationships created. */
  relationships: number;
  /** Wall time of the whole call: schema, nodes, relationships and choosing the samples. */
  seconds: number;
  /** Nodes created per second of the node phase. */
  nodesPerSec: number;
  /** Relationships created per second of the relationship phase. */
  relationshipsPerSec: number;
  /** ids the benchmark asks about */
  samples: { hubDeposit: string; facility: string; hubFacility: string; pathFrom: string; pathTo: string; searchText: string; region: string };
}

// ---------------------------------------------------------------------------------------------
// Sizes and tuning

const DEFAULT_SEED = 42;
const DEFAULT_BATCH_SIZE = 10_000;
export const MIN_NODES = 1_000;
/** Facilities per commodity network: bounds what an upstream search can reach. */
const FACILITIES_PER_NETWORK = 25_000;
/** Share of each facility layer (mines … component plants). */
const LAYER_SHARES = [0.28, 0.24, 0.2, 0.16, 0.12] as const;
/** Share of each product tier (ore, concentrate, chemical, metal, component, end use). */
const TIER_SHARES = [0.14, 0.14, 0.15, 0.15, 0.17, 0.25] as const;
/** Probability that a facility also feeds a Zipf-chosen plant of the next layer, and the exponent. */
const HUB_EDGE_P = 0.8;
const HUB_ZIPF_S = 1.6;
const LOG_EVERY_MS = 5_000;
/** Write transactions in flight at once, for nodes and for relationships. */
const NODE_TX_IN_FLIGHT = 2;
const REL_TX_IN_FLIGHT = 2;

const STAGES = [
  { id: 'stage-mining', name: 'Mining', aliases: [] as string[], order: 1 },
  { id: 'stage-concentrate', name: 'Concentrate (beneficiation)', aliases: ['beneficiation'], order: 2 },
  { id: 'stage-separation', name: 'Separation / refining', aliases: [] as string[], order: 3 },
  { id: 'stage-metal-alloy', name: 'Metals / alloys', aliases: [] as string[], order: 4 },
  { id: 'stage-component', name: 'Magnets / components', aliases: [] as string[], order: 5 },
  { id: 'stage-end-use', name: 'End use', aliases: [] as string[], order: 6 },
] as const;

interface ElementDef {
  readonly symbol: string;
  readonly name: string;
  readonly z: number;
  readonly group: string;
  readonly reeClass?: 'light' | 'heavy' | 'neither';
  readonly magnetInput: boolean;
}

const REE = 'rare earth element';
const ELEMENTS: readonly ElementDef[] = [
  { symbol: 'Sc', name: 'Scandium', z: 21, group: REE, reeClass: 'neither', magnetInput: false },
  { symbol: 'Y', name: 'Yttrium', z: 39, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'La', name: 'Lanthanum', z: 57, group: REE, reeClass: 'light', magnetInput: false },
  { symbol: 'Ce', name: 'Cerium', z: 58, group: REE, reeClass: 'light', magnetInput: false },
  { symbol: 'Pr', name: 'Praseodymium', z: 59, group: REE, reeClass: 'light', magnetInput: true },
  { symbol: 'Nd', name: 'Neodymium', z: 60, group: REE, reeClass: 'light', magnetInput: true },
  { symbol: 'Sm', name: 'Samarium', z: 62, group: REE, reeClass: 'light', magnetInput: true },
  { symbol: 'Eu', name: 'Europium', z: 63, group: REE, reeClass: 'light', magnetInput: false },
  { symbol: 'Gd', name: 'Gadolinium', z: 64, group: REE, reeClass: 'light', magnetInput: false },
  { symbol: 'Tb', name: 'Terbium', z: 65, group: REE, reeClass: 'heavy', magnetInput: true },
  { symbol: 'Dy', name: 'Dysprosium', z: 66, group: REE, reeClass: 'heavy', magnetInput: true },
  { symbol: 'Ho', name: 'Holmium', z: 67, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'Er', name: 'Erbium', z: 68, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'Tm', name: 'Thulium', z: 69, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'Yb', name: 'Ytterbium', z: 70, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'Lu', name: 'Lutetium', z: 71, group: REE, reeClass: 'heavy', magnetInput: false },
  { symbol: 'Li', name: 'Lithium', z: 3, group: 'alkali metal', magnetInput: false },
  { symbol: 'Be', name: 'Beryllium', z: 4, group: 'alkaline earth metal', magnetInput: false },
  { symbol: 'Ti', name: 'Titanium', z: 22, group: 'transition metal', magnetInput: false },
  { symbol: 'V', name: 'Vanadium', z: 23, group: 'transition metal', magnetInput: false },
  { symbol: 'Co', name: 'Cobalt', z: 27, group: 'transition metal', magnetInput: true },
  { symbol: 'Ni', name: 'Nickel', z: 28, group: 'transition metal', magnetInput: false },
  { symbol: 'Ga', name: 'Gallium', z: 31, group: 'post-transition metal', magnetInput: false },
  { symbol: 'Ge', name: 'Germanium', z: 32, group: 'metalloid', magnetInput: false },
  { symbol: 'Zr', name: 'Zirconium', z: 40, group: 'transition metal', magnetInput: false },
  { symbol: 'Nb', name: 'Niobium', z: 41, group: 'transition metal', magnetInput: false },
  { symbol: 'Mo', name: 'Molybdenum', z: 42, group: 'transition metal', magnetInput: false },
  { symbol: 'Sb', name: 'Antimony', z: 51, group: 'metalloid', magnetInput: false },
  { symbol: 'Ta', name: 'Tantalum', z: 73, group: 'transition metal', magnetInput: false },
  { symbol: 'W', name: 'Tungsten', z: 74, group: 'transition metal', magnetInput: false },
];

interface Commodity {
  readonly name: string;
  readonly elements: readonly string[];
  /** Facility kinds per layer (mine … component plant). */
  readonly facilityKinds: readonly [string, string, string, string, string];
  /** Product names and kinds per tier except end use. */
  readonly products: readonly [string, string, string, string, string];
  readonly productKinds: readonly [string, string, string, string, string];
  readonly endUses: readonly string[];
}

const REE_SYMBOLS = ELEMENTS.filter((e) => e.group === REE).map((e) => e.symbol);
const COMMODITIES: readonly Commodity[] = [
  {
    name: 'rare earths',
    elements: REE_SYMBOLS,
    facilityKinds: ['mine', 'concentrator', 'separation plant', 'metal and alloy plant', 'magnet plant'],
    products: ['rare-earth ore', 'rare-earth concentrate', 'separated rare-earth oxides', 'NdPr metal and NdFeB alloy', 'NdFeB permanent magnets'],
    productKinds: ['ore', 'concentrate', 'oxide', 'alloy', 'magnet'],
    endUses: ['EV traction motor', 'wind turbine generator', 'industrial servo motor', 'hard disk drive', 'MRI scanner', 'drone motor'],
  },
  {
    name: 'lithium',
    elements: ['Li'],
    facilityKinds: ['mine', 'concentrator', 'lithium refinery', 'lithium metal plant', 'battery materials plant'],
    products: ['spodumene ore', 'spodumene concentrate', 'lithium hydroxide', 'lithium metal', 'battery cathode material'],
    productKinds: ['ore', 'concentrate', 'chemical', 'metal', 'component'],
    endUses: ['EV battery pack', 'grid storage system', 'laptop battery'],
  },
  {
    name: 'niobium and tantalum',
    elements: ['Nb', 'Ta'],
    facilityKinds: ['mine', 'concentrator', 'hydrometallurgical plant', 'ferroalloy plant', 'capacitor plant'],
    products: ['pyrochlore ore', 'niobium-tantalum concentrate', 'niobium and tantalum oxides', 'ferroniobium', 'tantalum capacitors'],
    productKinds: ['ore', 'concentrate', 'oxide', 'alloy', 'component'],
    endUses: ['smartphone', 'automotive electronics', 'pipeline steel'],
  },
  {
    name: 'tungsten',
    elements: ['W', 'Mo'],
    facilityKinds: ['mine', 'concentrator', 'chemical plant', 'powder metallurgy plant', 'tool plant'],
    products: ['scheelite ore', 'tungsten concentrate', 'ammonium paratungstate', 'tungsten carbide powder', 'cemented carbide tools'],
    productKinds: ['ore', 'concentrate', 'chemical', 'metal', 'component'],
    endUses: ['mining drill bit', 'machining centre', 'armour-piercing ammunition'],
  },
  {
    name: 'cobalt and nickel',
    elements: ['Co', 'Ni'],
    facilityKinds: ['mine', 'concentrator', 'hydrometallurgical plant', 'refinery', 'component plant'],
    products: ['cobalt-nickel ore', 'cobalt-nickel concentrate', 'cobalt sulphate', 'cobalt metal', 'superalloy components'],
    productKinds: ['ore', 'concentrate', 'chemical', 'metal', 'component'],
    endUses: ['jet engine turbine', 'gas turbine', 'EV battery pack'],
  },
  {
    name: 'gallium and germanium',
    elements: ['Ga', 'Ge'],
    facilityKinds: ['mine', 'concentrator', 'chemical plant', 'refinery', 'wafer plant'],
    products: ['bauxite and zinc ore', 'zinc concentrate', 'gallium and germanium compounds', 'high-purity gallium', 'semiconductor wafers'],
    productKinds: ['ore', 'concentrate', 'chemical', 'metal', 'component'],
    endUses: ['LED lighting', 'radar module', 'solar cell', 'fibre-optic network'],
  },
  {
    name: 'titanium and zirconium',
    elements: ['Ti', 'Zr', 'V'],
    facilityKinds: ['mine', 'concentrator', 'chemical plant', 'sponge plant', 'forging plant'],
    products: ['ilmenite ore', 'ilmenite concentrate', 'titanium tetrachloride', 'titanium sponge', 'titanium alloy forgings'],
    productKinds: ['ore', 'concentrate', 'chemical', 'metal', 'component'],
    endUses: ['airframe', 'medical implant', 'nuclear fuel cladding'],
  },
  {
    name: 'beryllium and antimony',
    elements: ['Be', 'Sb'],
    facilityKinds: ['mine', 'concentrator', 'chemical plant', 'alloy plant', 'component plant'],
    products: ['beryl ore', 'beryl concentrate', 'beryllium hydroxide', 'beryllium-copper alloy', 'precision connectors'],
    productKinds: ['ore', 'concentrate', 'chemical', 'alloy', 'component'],
    endUses: ['satellite', 'flame-retardant cable'],
  },
];

const PLACE_PREFIXES = [
  'Kara', 'Belo', 'Vel', 'Sever', 'Ural', 'Tamir', 'Orel', 'Zor', 'Lun', 'Krasn', 'Ozer', 'Mir', 'Yar', 'Sos', 'Kam',
  'Tal', 'Ber', 'Nov', 'Dol', 'Gor', 'Vol', 'Ar', 'Kol', 'Pech', 'Lov', 'Tom', 'Ang', 'Bar', 'Chern', 'Sim',
] as const;
const PLACE_SUFFIXES = ['gorsk', 'ovo', 'insk', 'ograd', 'ozersk', 'yevo', 'ansk', 'ets', 'ino', 'ovsk', 'abad', 'ara', 'yan', 'ovka', 'ur', 'ensk'] as const;
const COUNTRY_SUFFIXES = ['ania', 'istan', 'ovia', 'land'] as const;
const SUBJECT_KINDS = ['Oblast', 'Krai', 'Province', 'Republic'] as const;
const DEPOSIT_WORDS = ['deposit', 'ore field', 'placer', 'field'] as const;
const COMPANY_WORDS = ['Mining', 'Metals', 'Resources', 'Rare Metals', 'Holding', 'Magnetics', 'Chemicals', 'Industries', 'Materials', 'Minerals'] as const;
const COMPANY_KINDS = ['private company', 'listed company', 'state-owned company', 'holding company', 'joint venture', 'subsidiary'] as const;
const DETAILS_JSON = '{"synthetic":true}';

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** The murmur3 finaliser: a well-mixed 32-bit hash of a 32-bit value. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: a tiny, fast PRNG with a 32-bit state; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;

/** Independent random streams, one per purpose, so that each entity's draws never depend on another's. */
enum Stream {
  Source = 1,
  Element,
  Country,
  Subject,
  District,
  Company,
  CompanyRels,
  Deposit,
  DepositRels,
  Facility,
  FacilityPlace,
  FacilityRels,
  Product,
  ProductRels,
}

function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/**
 * A rank in [0, n) drawn from a (continuous approximation of a) Zipf law P(k) ∝ (k+1)^-s:
 * rank 0 gets the largest share; s > 1 makes a few ranks take most of the draws.
 */
function zipf(rng: Rng, n: number, s: number): number {
  const u = rng();
  let x: number;
  if (Math.abs(s - 1) < 1e-9) x = Math.pow(n + 1, u);
  else {
    const a = 1 - s;
    x = Math.pow((Math.pow(n + 1, a) - 1) * u + 1, 1 / a);
  }
  return Math.min(n - 1, Math.max(0, Math.floor(x) - 1));
}

/** A permutation of [0, n) (multiplication by a prime coprime to n), so hub ranks land anywhere in a layer. */
function spread(rank: number, n: number, salt: number): number {
  const prime = n % 7919 !== 0 ? 7919 : 104_729;
  return (rank * prime + salt) % n;
}

/**
 * The targets in [0, nb) of source j in [0, na) under the "band" mapping: sources and targets are
 * laid side by side, so every source has at least one target and every target at least one source.
 */
function band(j: number, na: number, nb: number, out: number[]): void {
  const m = Math.max(na, nb);
  const k0 = Math.ceil((j * m) / na);
  const k1 = Math.ceil(((j + 1) * m) / na);
  let last = -1;
  for (let k = k0; k < k1; k++) {
    const t = Math.floor((k * nb) / m);
    if (t !== last && t < nb) {
      out.push(t);
      last = t;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The plan: sizes and index arithmetic (no per-entity state is kept)

interface Plan {
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

function makePlan(nodes: number, seed: number): Plan {
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

function rngFor(plan: Plan, stream: Stream, index: number): Rng {
  return mulberry32(mix(mix(mix(plan.seed) ^ Math.imul(stream, 0x9e3779b1)) ^ index));
}

const commodityOf = (cluster: number): Commodity =>
  cluster % 2 === 0 ? COMMODITIES[0]! : COMMODITIES[1 + (((cluster - 1) / 2) % (COMMODITIES.length - 1))]!;

const placeName = (i: number): string =>
  `${PLACE_PREFIXES[i % PLACE_PREFIXES.length]!}${PLACE_SUFFIXES[Math.floor(i / PLACE_PREFIXES.length) % PLACE_SUFFIXES.length]!}`;
const PLACES = PLACE_PREFIXES.length * PLACE_SUFFIXES.length;

const sourceId = (i: number) => `syn-src-${i}`;
const elementId = (symbol: string) => `syn-el-${symbol.toLowerCase()}`;
const countryId = (i: number) => `syn-country-${i}`;
const subjectId = (i: number) => `syn-subject-${i}`;
const districtId = (i: number) => `syn-district-${i}`;
const companyId = (c: number, j: number, plan: Plan) => `syn-co-${c * plan.companiesPerCluster + j}`;
const depositId = (c: number, j: number, plan: Plan) => `syn-dep-${c * plan.depositsPerCluster + j}`;
const facilityId = (c: number, layer: number, j: number, plan: Plan) =>
  `syn-fac-${c * plan.facilitiesPerCluster + plan.layerOffsets[layer]! + j}`;
const productId = (c: number, tier: number, j: number, plan: Plan) => `syn-prd-${c * plan.productsPerCluster + plan.tierOffsets[tier]! + j}`;

/** 1 or 2 distinct source ids. */
function cite(rng: Rng, plan: Plan): string[] {
  const first = Math.floor(rng() * plan.sources);
  if (rng() >= 0.35 || plan.sources < 2) return [sourceId(first)];
  return [sourceId(first), sourceId((first + 1 + Math.floor(rng() * (plan.sources - 1))) % plan.sources)];
}

function citeOne(rng: Rng, plan: Plan): string[] {
  return [sourceId(Math.floor(rng() * plan.sources))];
}

/** A district where a network's sites lie: its countries follow a Zipf law, rotated per network. */
function district(rng: Rng, plan: Plan, cluster: number): number {
  const country = (zipf(rng, plan.countries, 1.1) + cluster * 7) % plan.countries;
  const s0 = plan.subjectStart[country]!;
  const subject = s0 + Math.floor(rng() * (plan.subjectStart[country + 1]! - s0));
  const d0 = Math.ceil((subject * plan.districts) / plan.subjects);
  const d1 = Math.ceil(((subject + 1) * plan.districts) / plan.subjects);
  return d0 + Math.floor(rng() * Math.max(1, d1 - d0));
}

// ---------------------------------------------------------------------------------------------
// Per-entity attributes, recomputable from the index alone

type FacilityStatus = 'operating' | 'planned' | 'under-construction' | 'pilot' | 'historical';

interface FacilityState {
  readonly status: FacilityStatus;
  readonly startYear: number;
  readonly endYear: number | undefined;
}

function facilityState(plan: Plan, global: number): FacilityState {
  const rng = rngFor(plan, Stream.Facility, global);
  const u = rng();
  if (u < 0.84) return { status: 'operating', startYear: int(rng, 1960, 2024), endYear: undefined };
  if (u < 0.93) return { status: 'planned', startYear: int(rng, 2026, 2032), endYear: undefined };
  if (u < 0.96) return { status: 'under-construction', startYear: int(rng, 2025, 2028), endYear: undefined };
  if (u < 0.99) return { status: 'pilot', startYear: int(rng, 2018, 2025), endYear: undefined };
  const startYear = int(rng, 1950, 1990);
  return { status: 'historical', startYear, endYear: int(rng, 1991, 2020) };
}

type DepositStatus = 'operating' | 'licensed' | 'planned' | 'exploration';

function depositStatus(plan: Plan, global: number): DepositStatus {
  const u = rngFor(plan, Stream.Deposit, global)();
  return u < 0.7 ? 'operating' : u < 0.8 ? 'licensed' : u < 0.9 ? 'planned' : 'exploration';
}

/** The status and start of a flow between two sites: the weakest of the two ends. */
function linkState(a: FacilityState | undefined, b: FacilityState): { status: string; startYear: number; endYear: number | null } {
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
function operatorOf(plan: Plan, rng: Rng): number {
  return rng() < 0.5 ? zipf(rng, plan.companiesPerCluster, 1.1) : Math.floor(rng() * plan.companiesPerCluster);
}

// ---------------------------------------------------------------------------------------------
// Rows

type Row = Record<string, unknown>;
interface RelRow extends Row {
  from: string;
  to: string;
  s: string[];
}

function* sourceRows(plan: Plan): Generator<Row> {
  for (let i = 0; i < plan.sources; i++) {
    const rng = rngFor(plan, Stream.Source, i);
    yield {
      id: sourceId(i),
      title: `Synthetic benchmark source ${i} (${placeName(Math.floor(rng() * PLACES))} report)`,
      publisher: 'synthetic.example.org',
      date: `${int(rng, 2015, 2025)}-${String(int(rng, 1, 12)).padStart(2, '0')}-01`,
      url: `https://synthetic.example.org/sources/${i}`,
    };
  }
}

function* stageRows(): Generator<Row> {
  for (const stage of STAGES) yield { id: stage.id, name: stage.name, aliases: stage.aliases, order: stage.order, sourceIds: [sourceId(0)] };
}

function* elementRows(plan: Plan): Generator<Row> {
  for (const [i, e] of ELEMENTS.entries()) {
    const rng = rngFor(plan, Stream.Element, i);
    yield {
      id: elementId(e.symbol),
      name: e.name,
      aliases: [],
      symbol: e.symbol,
      symbolUpper: e.symbol.toUpperCase(),
      atomicNumber: e.z,
      group: e.group,
      ...(e.reeClass ? { reeClass: e.reeClass } : {}),
      magnetInput: e.magnetInput,
      sourceIds: cite(rng, plan),
    };
  }
}

function* regionRows(plan: Plan): Generator<Row> {
  for (let i = 0; i < plan.countries; i++) {
    const rng = rngFor(plan, Stream.Country, i);
    const name = `${PLACE_PREFIXES[i % PLACE_PREFIXES.length]!}${COUNTRY_SUFFIXES[Math.floor(i / PLACE_PREFIXES.length) % COUNTRY_SUFFIXES.length]!}`;
    yield { id: countryId(i), name, aliases: [`${name.slice(0, 3).toUpperCase()}`], kind: 'country', sourceIds: cite(rng, plan) };
  }
  for (let i = 0; i < plan.subjects; i++) {
    const rng = rngFor(plan, Stream.Subject, i);
    const name = `${placeName(Math.floor(rng() * PLACES))} ${pick(rng, SUBJECT_KINDS)}`;
    yield { id: subjectId(i), name, aliases: [], kind: 'federal-subject', sourceIds: cite(rng, plan) };
  }
  for (let i = 0; i < plan.districts; i++) {
    const rng = rngFor(plan, Stream.District, i);
    yield { id: districtId(i), name: `${placeName(Math.floor(rng() * PLACES))} District`, aliases: [], kind: 'district', sourceIds: cite(rng, plan) };
  }
}

function* companyRows(plan: Plan): Generator<Row> {
  for (let c = 0; c < plan.clusters; c++) {
    for (let j = 0; j < plan.companiesPerCluster; j++) {
      const g = c * plan.companiesPerCluster + j;
      const rng = rngFor(plan, Stream.Company, g);
      const place = placeName(Math.floor(rng() * PLACES));
      const word = pick(rng, COMPANY_WORDS);
      const aliases = rng() < 0.4 ? [`${place.slice(0, 3).toUpperCase()}${word.charAt(0)}`] : [];
      yield { id: companyId(c, j, plan), name: `${place} ${word}`, aliases, kind: pick(rng, COMPANY_KINDS), sourceIds: cite(rng, plan) };
    }
  }
}

function* depositRows(plan: Plan): Generator<Row> {
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let j = 0; j < plan.depositsPerCluster; j++) {
      const g = c * plan.depositsPerCluster + j;
      const status = depositStatus(plan, g);
      const rng = rngFor(plan, Stream.Deposit, g);
      rng(); // the status draw
      const place = placeName(Math.floor(rng() * PLACES));
      yield {
        id: depositId(c, j, plan),
        name: `${place} ${pick(rng, DEPOSIT_WORDS)}`,
        aliases: rng() < 0.2 ? [`${place} ${commodity.name} project`] : [],
        commodity: commodity.name,
        status,
        sourceIds: cite(rng, plan),
      };
    }
  }
}

/** The place word of a facility's name (also the benchmark's search text). */
function facilityPlace(plan: Plan, global: number): string {
  return placeName(Math.floor(rngFor(plan, Stream.FacilityPlace, global)() * PLACES));
}

function* facilityRows(plan: Plan): Generator<Row> {
  const capacity = [200_000, 50_000, 5_000, 2_000, 1_000];
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let layer = 0; layer < 5; layer++) {
      const kind = commodity.facilityKinds[layer]!;
      const title = kind.charAt(0).toUpperCase() + kind.slice(1);
      for (let j = 0; j < plan.layerSizes[layer]!; j++) {
        const g = c * plan.facilitiesPerCluster + plan.layerOffsets[layer]! + j;
        const state = facilityState(plan, g);
        const rng = rngFor(plan, Stream.FacilityPlace, g);
        const place = placeName(Math.floor(rng() * PLACES));
        const number = int(rng, 1, 6);
        const row: Row = {
          id: facilityId(c, layer, j, plan),
          name: `${place} ${title}${number > 1 ? ` No. ${number}` : ''}`,
          aliases: rng() < 0.25 ? [`${place.slice(0, 3).toUpperCase()}-${layer + 1}${number}`] : [],
          kind,
          status: state.status,
          startYear: state.startYear,
          sourceIds: cite(rng, plan),
        };
        if (state.endYear !== undefined) row.endYear = state.endYear;
        if (rng() < 0.6) {
          row.capacityValue = Math.round(capacity[layer]! * (0.1 + rng() * 1.9));
          row.capacityUnit = 't/yr';
        }
        yield row;
      }
    }
  }
}

function* productRows(plan: Plan): Generator<Row> {
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let tier = 0; tier < 6; tier++) {
      for (let j = 0; j < plan.tierSizes[tier]!; j++) {
        const g = c * plan.productsPerCluster + plan.tierOffsets[tier]! + j;
        const rng = rngFor(plan, Stream.Product, g);
        const place = placeName(Math.floor(rng() * PLACES));
        const name =
          tier < 5 ? `${place} ${commodity.products[tier]!} (grade ${int(rng, 1, 40)})` : `${pick(rng, commodity.endUses)} (${place} model ${int(rng, 1, 99)})`;
        yield {
          id: productId(c, tier, j, plan),
          name,
          aliases: [],
          kind: tier < 5 ? commodity.productKinds[tier]! : 'end use',
          sourceIds: cite(rng, plan),
        };
      }
    }
  }
}

// Relationships. Each generator draws from its own streams, so the graph does not depend on order.

function* nextStageRows(): Generator<RelRow> {
  for (let i = 0; i + 1 < STAGES.length; i++) yield { from: STAGES[i]!.id, to: STAGES[i + 1]!.id, s: [sourceId(0)] };
}

function* partOfRows(plan: Plan): Generator<RelRow> {
  for (let c = 0; c < plan.countries; c++) {
    for (let s = plan.subjectStart[c]!; s < plan.subjectStart[c + 1]!; s++) {
      yield { from: subjectId(s), to: countryId(c), s: citeOne(rngFor(plan, Stream.Subject, s), plan) };
    }
  }
  for (let d = 0; d < plan.districts; d++) {
    yield { from: districtId(d), to: subjectId(Math.floor((d * plan.subjects) / plan.districts)), s: citeOne(rngFor(plan, Stream.District, d), plan) };
  }
}

function* companyRelRows(plan: Plan, type: 'HEADQUARTERED_IN' | 'SUBSIDIARY_OF' | 'SUPPLIES'): Generator<RelRow> {
  for (let c = 0; c < plan.clusters; c++) {
    for (let j = 0; j < plan.companiesPerCluster; j++) {
      const rng = rngFor(plan, Stream.CompanyRels, c * plan.companiesPerCluster + j);
      const from = companyId(c, j, plan);
      const hq = (zipf(rng, plan.countries, 1.1) + c * 7) % plan.countries;
      const parent = j > 0 && rng() < 0.3 ? zipf(rng, j, 1.2) : -1;
      const customer = plan.companiesPerCluster > 1 && rng() < 0.04 ? (j + 1 + Math.floor(rng() * (plan.companiesPerCluster - 1))) % plan.companiesPerCluster : -1;
      const s = citeOne(rng, plan);
      if (type === 'HEADQUARTERED_IN') yield { from, to: countryId(hq), s };
      else if (type === 'SUBSIDIARY_OF' && parent >= 0) yield { from, to: companyId(c, parent, plan), s };
      else if (type === 'SUPPLIES' && customer >= 0) yield { from, to: companyId(c, customer, plan), s, status: 'operating', material: commodityOf(c).products[3]! };
    }
  }
}

function* depositRelRows(plan: Plan, type: 'CONTAINS' | 'LOCATED_IN' | 'HOLDS_LICENCE' | 'FEEDS'): Generator<RelRow> {
  const mines = plan.layerSizes[0]!;
  const targets: number[] = [];
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let j = 0; j < plan.depositsPerCluster; j++) {
      const g = c * plan.depositsPerCluster + j;
      const rng = rngFor(plan, Stream.DepositRels, g);
      const id = depositId(c, j, plan);
      const s = citeOne(rng, plan);
      if (type === 'LOCATED_IN') yield { from: id, to: districtId(district(rng, plan, c)), s };
      else if (type === 'HOLDS_LICENCE') yield { from: operatorIdFor(plan, c, rng), to: id, s };
      else if (type === 'CONTAINS') {
        const count = commodity.elements.length > 4 ? int(rng, 3, 6) : int(rng, 1, Math.min(2, commodity.elements.length));
        const start = Math.floor(rng() * commodity.elements.length);
        for (let k = 0; k < count; k++) {
          yield { from: id, to: elementId(commodity.elements[(start + k) % commodity.elements.length]!), s };
        }
      } else if (depositStatus(plan, g) !== 'exploration') {
        targets.length = 0;
        band(j, plan.depositsPerCluster, mines, targets);
        for (const t of targets) {
          const link = linkState(undefined, facilityState(plan, c * plan.facilitiesPerCluster + t));
          yield { from: id, to: facilityId(c, 0, t, plan), s, material: commodity.products[0]!, ...link };
        }
      }
    }
  }
}

function operatorIdFor(plan: Plan, cluster: number, rng: Rng): string {
  return companyId(cluster, operatorOf(plan, rng), plan);
}

type FacilityRelType = 'LOCATED_IN' | 'OPERATES' | 'AT_STAGE' | 'FEEDS' | 'SUPPLIES' | 'PRODUCES';

function* facilityRelRows(plan: Plan, type: FacilityRelType): Generator<RelRow> {
  const targets: number[] = [];
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let layer = 0; layer < 5; layer++) {
      const n = plan.layerSizes[layer]!;
      const next = plan.layerSizes[layer + 1] ?? 0;
      for (let j = 0; j < n; j++) {
        const g = c * plan.facilitiesPerCluster + plan.layerOffsets[layer]! + j;
        const rng = rngFor(plan, Stream.FacilityRels, g);
        const id = facilityId(c, layer, j, plan);
        const s = citeOne(rng, plan);
        const where = district(rng, plan, c);
        const operator = operatorIdFor(plan, c, rng);
        const hub = rng() < HUB_EDGE_P ? spread(zipf(rng, Math.max(1, next), HUB_ZIPF_S), Math.max(1, next), c * 31 + layer) : -1;
        const supplies = rng() < 0.03 && next > 1 ? Math.floor(rng() * next) : -1;
        switch (type) {
          case 'LOCATED_IN':
            yield { from: id, to: districtId(where), s };
            break;
          case 'OPERATES':
            yield { from: operator, to: id, s };
            break;
          case 'AT_STAGE':
            yield { from: id, to: STAGES[layer]!.id, s };
            break;
          case 'PRODUCES': {
            const state = facilityState(plan, g);
            const product = Math.floor((j * plan.tierSizes[layer]!) / n);
            yield { from: id, to: productId(c, layer, product, plan), s, ...linkState(undefined, state) };
            break;
          }
          case 'FEEDS':
          case 'SUPPLIES': {
            if (next === 0) break;
            targets.length = 0;
            if (type === 'FEEDS') {
              band(j, n, next, targets);
              if (hub >= 0 && !targets.includes(hub)) targets.push(hub);
            } else if (supplies >= 0) targets.push(supplies);
            const state = facilityState(plan, g);
            const material = commodity.products[layer]!;
            for (const t of targets) {
              const link = linkState(state, facilityState(plan, c * plan.facilitiesPerCluster + plan.layerOffsets[layer + 1]! + t));
              yield { from: id, to: facilityId(c, layer + 1, t, plan), s, material, ...link };
            }
            break;
          }
        }
      }
    }
  }
}

type ProductRelType = 'AT_STAGE' | 'CONTAINS' | 'CONSUMED_BY' | 'USED_IN';

function* productRelRows(plan: Plan, type: ProductRelType): Generator<RelRow> {
  const targets: number[] = [];
  for (let c = 0; c < plan.clusters; c++) {
    const commodity = commodityOf(c);
    for (let tier = 0; tier < 6; tier++) {
      const n = plan.tierSizes[tier]!;
      for (let j = 0; j < n; j++) {
        const rng = rngFor(plan, Stream.ProductRels, c * plan.productsPerCluster + plan.tierOffsets[tier]! + j);
        const id = productId(c, tier, j, plan);
        const s = citeOne(rng, plan);
        if (type === 'AT_STAGE') {
          yield { from: id, to: STAGES[tier]!.id, s };
        } else if (type === 'CONTAINS') {
          if (tier < 2) continue;
          const count = int(rng, 1, Math.min(2, commodity.elements.length));
          const start = Math.floor(rng() * commodity.elements.length);
          for (let k = 0; k < count; k++) yield { from: id, to: elementId(commodity.elements[(start + k) % commodity.elements.length]!), s };
        } else if (type === 'CONSUMED_BY') {
          // Raw materials and intermediates are consumed by 1-3 plants of the next layer.
          if (tier > 3) continue;
          const layerSize = plan.layerSizes[tier + 1]!;
          const count = Math.min(layerSize, rng() < 0.5 ? 1 : rng() < 0.7 ? 2 : 3);
          targets.length = 0;
          while (targets.length < count) {
            const t = Math.floor(rng() * layerSize);
            if (!targets.includes(t)) targets.push(t);
          }
          for (const t of targets) yield { from: id, to: facilityId(c, tier + 1, t, plan), s };
        } else {
          targets.length = 0;
          if (tier < 5) {
            const next = plan.tierSizes[tier + 1]!;
            band(j, n, next, targets);
            if (rng() < 0.3) {
              const popular = spread(zipf(rng, next, 1.3), next, c * 17 + tier);
              if (!targets.includes(popular)) targets.push(popular);
            }
            for (const t of targets) yield { from: id, to: productId(c, tier + 1, t, plan), s };
          } else if (j >= 4 && rng() < 0.3) {
            // End uses in chains toward a few top-level end uses (always to a lower index: no cycles).
            yield { from: id, to: productId(c, 5, Math.floor(j / 4), plan), s };
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Loading
//
// Rows travel as ONE string per batch: lines of tab-separated fields, split back in Cypher
// (`UNWIND split($rows, '\n') AS line`). The JavaScript driver packs a list of 10,000 maps in
// 200-600 ms (measured here), which alone would cap the load below 25,000 rows/s; the same rows as
// one string take 20-40 ms. Generated values never contain tabs or newlines; an empty field is null
// (`toInteger('')` is null too), lists are joined with ' | ' (aliases) or ',' (source ids).

type ColumnType = 'str' | 'optStr' | 'int' | 'num' | 'bool' | 'aliases' | 'ids';
type Column = readonly [name: string, type: ColumnType];

/** The Cypher expression of a property from field `i` of the split line `f`. */
function property([name, type]: Column, i: number): string {
  const f = `f[${i}]`;
  switch (type) {
    case 'str': return `${name}: ${f}`;
    case 'optStr': return `${name}: CASE ${f} WHEN '' THEN null ELSE ${f} END`;
    case 'int': return `${name}: toInteger(${f})`;
    case 'num': return `${name}: toFloat(${f})`;
    case 'bool': return `${name}: ${f} = 'true'`;
    case 'aliases': return `${name}: CASE ${f} WHEN '' THEN [] ELSE split(${f}, ' | ') END, ${name}Text: ${f}`;
    case 'ids': return `${name}: split(${f}, ',')`;
  }
}

function field(value: unknown, type: ColumnType): string {
  if (value === undefined || value === null) return '';
  if (type === 'aliases') return (value as string[]).join(' | ');
  if (type === 'ids') return (value as string[]).join(',');
  return String(value);
}

function encoder(columns: readonly Column[]): (row: Row) => string {
  return (row) => columns.map(([name, type]) => field(row[name], type)).join('\t');
}

const SPLIT_ROWS = "UNWIND split($rows, '\\n') AS line\nWITH split(line, '\\t') AS f";
const ENTITY_CONSTANTS = `confidence: 'stated', detailsJson: '${DETAILS_JSON}'`;

const ENTITY_COLUMNS: readonly Column[] = [['id', 'str'], ['name', 'str'], ['aliases', 'aliases'], ['sourceIds', 'ids']];
const NODE_COLUMNS: Record<string, readonly Column[]> = {
  Source: [['id', 'str'], ['title', 'str'], ['publisher', 'optStr'], ['date', 'optStr'], ['url', 'optStr']],
  SupplyChainStage: [...ENTITY_COLUMNS, ['order', 'int']],
  Element: [...ENTITY_COLUMNS, ['symbol', 'str'], ['symbolUpper', 'str'], ['atomicNumber', 'int'], ['group', 'str'], ['reeClass', 'optStr'], ['magnetInput', 'bool']],
  Region: [...ENTITY_COLUMNS, ['kind', 'str']],
  Company: [...ENTITY_COLUMNS, ['kind', 'str']],
  Deposit: [...ENTITY_COLUMNS, ['commodity', 'str'], ['status', 'str']],
  Product: [...ENTITY_COLUMNS, ['kind', 'str']],
  Facility: [
    ...ENTITY_COLUMNS,
    ['kind', 'str'],
    ['status', 'str'],
    ['startYear', 'int'],
    ['endYear', 'int'],
    ['capacityValue', 'num'],
    ['capacityUnit', 'optStr'],
  ],
};

/** The property map entries of `columns`, the first of which is field `first` of the line. */
function props(columns: readonly Column[], first = 0): string {
  return columns.map((column, i) => property(column, first + i)).join(', ');
}

interface Write {
  readonly name: string;
  readonly cypher: string;
  readonly encode: (row: Row) => string;
  readonly rows: (plan: Plan) => Iterable<Row>;
}

function nodeWrite(label: string, rows: (plan: Plan) => Iterable<Row>): Write {
  const columns = NODE_COLUMNS[label]!;
  let cypher: string;
  if (label === 'Source') cypher = `${SPLIT_ROWS}\nCREATE (n:Source {${props(columns)}})`;
  // The stages are shared with the seed graph: created only when missing, left as they are otherwise.
  else if (label === 'SupplyChainStage')
    cypher = `${SPLIT_ROWS}\nMERGE (n:Entity {id: f[0]})\nON CREATE SET n:SupplyChainStage, n += {${props(columns)}, confidence: 'stated', detailsJson: '{}'}`;
  else cypher = `${SPLIT_ROWS}\nCREATE (n:Entity:${label} {${props(columns)}, ${ENTITY_CONSTANTS}})`;
  return { name: label, cypher, encode: encoder(columns), rows };
}

const NODE_WRITES: readonly Write[] = [
  nodeWrite('Source', sourceRows),
  nodeWrite('SupplyChainStage', stageRows),
  nodeWrite('Element', elementRows),
  nodeWrite('Region', regionRows),
  nodeWrite('Company', companyRows),
  nodeWrite('Deposit', depositRows),
  nodeWrite('Product', productRows),
  nodeWrite('Facility', facilityRows),
];

const FLOW_COLUMN_TYPES = new Set(['FEEDS', 'SUPPLIES', 'PRODUCES']);
const REL_COLUMNS: readonly Column[] = [['from', 'str'], ['to', 'str'], ['s', 'ids']];
const FLOW_COLUMNS: readonly Column[] = [...REL_COLUMNS, ['status', 'optStr'], ['material', 'optStr'], ['startYear', 'int'], ['endYear', 'int']];

function relationshipWrite(name: string, type: string, rows: (plan: Plan) => Iterable<RelRow>): Write {
  const flow = FLOW_COLUMN_TYPES.has(type);
  const set = `key: '${type}:' + f[0] + '->' + f[1], sourceIds: split(f[2], ','), confidence: 'stated'${
    flow ? `, ${props(FLOW_COLUMNS.slice(REL_COLUMNS.length), REL_COLUMNS.length)}` : ''
  }`;
  // NEXT_STAGE joins the shared stages and may exist already: MERGE, like the stages.
  const write =
    type === 'NEXT_STAGE' ? `MERGE (a)-[r:NEXT_STAGE]->(b) ON CREATE SET r += {${set}}` : `CREATE (a)-[r:${type} {${set}}]->(b)`;
  return {
    name,
    cypher: `${SPLIT_ROWS}\nMATCH (a:Entity {id: f[0]})\nMATCH (b:Entity {id: f[1]})\n${write}`,
    encode: encoder(flow ? FLOW_COLUMNS : REL_COLUMNS),
    rows,
  };
}

const REL_WRITES: readonly Write[] = [
  relationshipWrite('NEXT_STAGE', 'NEXT_STAGE', nextStageRows),
  relationshipWrite('PART_OF', 'PART_OF', partOfRows),
  ...(['HEADQUARTERED_IN', 'SUBSIDIARY_OF', 'SUPPLIES'] as const).map((type) =>
    relationshipWrite(`${type} (companies)`, type, (plan) => companyRelRows(plan, type)),
  ),
  ...(['CONTAINS', 'LOCATED_IN', 'HOLDS_LICENCE', 'FEEDS'] as const).map((type) =>
    relationshipWrite(`${type} (deposits)`, type, (plan) => depositRelRows(plan, type)),
  ),
  ...(['LOCATED_IN', 'OPERATES', 'AT_STAGE', 'FEEDS', 'SUPPLIES', 'PRODUCES'] as const).map((type) =>
    relationshipWrite(`${type} (facilities)`, type, (plan) => facilityRelRows(plan, type)),
  ),
  ...(['AT_STAGE', 'CONTAINS', 'CONSUMED_BY', 'USED_IN'] as const).map((type) =>
    relationshipWrite(`${type} (products)`, type, (plan) => productRelRows(plan, type)),
  ),
];

interface Counts {
  nodes: number;
  relationships: number;
}

/** Progress of one phase, logged at most every LOG_EVERY_MS and at the end of each label or type. */
class Progress {
  private readonly started = Date.now();
  private lastLog = Date.now();
  count = 0;

  constructor(
    private readonly what: string,
    private readonly log: (m: string) => void,
  ) {}

  add(n: number, step: string, force = false): void {
    this.count += n;
    const now = Date.now();
    if (!force && now - this.lastLog < LOG_EVERY_MS) return;
    this.lastLog = now;
    this.log(`${step}: ${this.count.toLocaleString('en-US')} ${this.what} in ${this.seconds().toFixed(1)} s (${Math.round(this.rate()).toLocaleString('en-US')} ${this.what}/s)`);
  }

  seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  rate(): number {
    return this.count / Math.max(this.seconds(), 1e-3);
  }
}

/**
 * Writes the rows of `write` in transactions of `batchSize` rows, with up to `inFlight`
 * transactions at once; the next batch is generated while the database writes.
 */
async function writeBatches(
  driver: Driver,
  database: string,
  write: Write,
  plan: Plan,
  batchSize: number,
  inFlight: number,
  onBatch: (counts: Counts) => void,
): Promise<void> {
  const send = async (rows: string): Promise<void> => {
    // executeQuery retries transient failures (deadlocks between the concurrent relationship
    // transactions on a hub) within the driver's retry budget; a few more attempts on top.
    for (let attempt = 1; ; attempt++) {
      try {
        const { summary } = await driver.executeQuery(write.cypher, { rows }, { database, routing: neo4j.routing.WRITE });
        const updates = summary.counters.updates();
        onBatch({ nodes: updates.nodesCreated, relationships: updates.relationshipsCreated });
        return;
      } catch (error) {
        if (attempt >= 4 || !(error instanceof Neo4jError && error.retriable)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  };
  const pending = new Set<Promise<void>>();
  let failure: unknown;
  const launch = async (rows: string): Promise<void> => {
    while (pending.size >= inFlight) await Promise.race(pending);
    if (failure !== undefined) throw failure;
    const p = send(rows).then(
      () => void pending.delete(p),
      (error: unknown) => {
        pending.delete(p);
        failure ??= error;
      },
    );
    pending.add(p);
  };
  let lines: string[] = [];
  for (const row of write.rows(plan)) {
    lines.push(write.encode(row));
    if (lines.length >= batchSize) {
      await launch(lines.join('\n'));
      lines = [];
    }
  }
  if (lines.length > 0) await launch(lines.join('\n'));
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
}

// ---------------------------------------------------------------------------------------------
// Samples: chosen on the loaded graph, among deterministic candidates, by deterministic queries

const FLOW = FLOW_TYPES.join('|');
/** The hop the server's traversals take by default: no companies, no ended links or sites. */
const ACTIVE_HOP = `((x)-[r:${FLOW}]->(y) WHERE NOT y:Company AND coalesce(r.status, '') <> 'historical'
  AND (NOT y:Facility OR NOT y.status IN ['historical', 'suspended']))`;

async function read<T>(driver: Driver, database: string, cypher: string, params: Record<string, unknown>): Promise<T[]> {
  const { records } = await driver.executeQuery(cypher, params, { database, routing: neo4j.routing.READ });
  return records.map((r) => r.toObject() as T);
}

/** Turns a count that may come back as a driver Integer into a number. */
function num(value: unknown): number {
  return neo4j.isInt(value) ? value.toNumber() : Number(value);
}

async function chooseSamples(driver: Driver, database: string, plan: Plan): Promise<GeneratedGraph['samples']> {
  // The hub: the plant with most inputs among the top Zipf ranks of every network and layer.
  const hubCandidates: string[] = [];
  for (let c = 0; c < plan.clusters; c++) {
    for (let layer = 1; layer < 5; layer++) {
      for (let rank = 0; rank < 2; rank++) hubCandidates.push(facilityId(c, layer, spread(rank, plan.layerSizes[layer]!, c * 31 + layer - 1), plan));
    }
  }
  const [hub] = await read<{ id: string; inputs: unknown }>(
    driver,
    database,
    `UNWIND $ids AS id MATCH (f:Entity {id: id})
RETURN f.id AS id, COUNT { (f)<-[:FEEDS]-() } AS inputs ORDER BY inputs DESC, id LIMIT 1`,
    { ids: hubCandidates },
  );

  // Deposits of the first network: the one with most dependents within 6 hops is the hub deposit,
  // the runner-up starts the path.
  const depositCandidates = Array.from({ length: Math.min(40, plan.depositsPerCluster) }, (_, j) => depositId(0, j, plan));
  const deposits = await read<{ id: string; dependents: unknown }>(
    driver,
    database,
    `UNWIND $ids AS id MATCH (d:Deposit {id: id})
CALL (d) { MATCH ANY SHORTEST (d)${ACTIVE_HOP}{1,6}(t) RETURN count(t) AS dependents }
RETURN d.id AS id, dependents ORDER BY dependents DESC, id`,
    { ids: depositCandidates },
  );
  const hubDeposit = deposits[0]?.id;
  const pathFrom = deposits[1]?.id ?? hubDeposit;
  if (!hub || !hubDeposit || !pathFrom) throw new Error('choosing samples failed: no hub facility or deposit found');

  // The farthest magnet/component plant downstream of pathFrom within 6 hops (the chain
  // deposit → mine → concentrator → separation → metal → component plant is 5 hops), so the
  // paths query (8 hops by default) also finds longer alternatives.
  const [pathTo] = await read<{ id: string }>(
    driver,
    database,
    `MATCH (d:Entity {id: $from})
MATCH p = ANY SHORTEST (d)${ACTIVE_HOP}{1,6}(f:Facility)
WHERE EXISTS { (f)-[:AT_STAGE]->(:Entity {id: 'stage-component'}) }
RETURN f.id AS id, length(p) AS hops ORDER BY hops DESC, id LIMIT 1`,
    { from: pathFrom },
  );
  if (!pathTo) throw new Error(`choosing samples failed: no component plant downstream of ${pathFrom}`);

  // A mid-chain (separation or metal) plant downstream of the hub deposit, operating, with an
  // operator, a region and inputs, and a moderate number of dependents within 8 hops (the impact
  // query looks upstream from each of them).
  const [facility] = await read<{ id: string; country: string; dependents: unknown }>(
    driver,
    database,
    `MATCH (d:Entity {id: $from})
MATCH ANY SHORTEST (d)${ACTIVE_HOP}{1,6}(f:Facility {status: 'operating'})
WHERE EXISTS { (f)-[:AT_STAGE]->(s) WHERE s.id IN ['stage-separation', 'stage-metal-alloy'] }
  AND EXISTS { (:Company)-[:OPERATES]->(f) } AND EXISTS { ()-[:FEEDS]->(f) }
WITH f ORDER BY f.id LIMIT 30
CALL (f) { MATCH ANY SHORTEST (f)${ACTIVE_HOP}{1,8}(t) RETURN count(t) AS dependents }
MATCH (f)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..6]->(country:Region {kind: 'country'})
WITH f, country, dependents WHERE dependents >= 5
RETURN f.id AS id, country.id AS country, dependents ORDER BY dependents, f.id LIMIT 1`,
    { from: hubDeposit },
  );
  if (!facility) throw new Error(`choosing samples failed: no mid-chain facility downstream of ${hubDeposit}`);
  return {
    hubDeposit,
    facility: facility.id,
    hubFacility: hub.id,
    pathFrom,
    pathTo: pathTo.id,
    searchText: facilityPlace(plan, Number(facility.id.slice('syn-fac-'.length))),
    region: facility.country,
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Generates the synthetic graph for `options.nodes` and loads it into `database`, which must hold
 * no `syn-` nodes yet (see `countSyntheticNodes` / `deleteSyntheticGraph`).
 */
export async function generateGraph(driver: Driver, database: string, options: GenerateOptions): Promise<GeneratedGraph> {
  const { nodes } = options;
  if (!Number.isInteger(nodes) || nodes < MIN_NODES) throw new RangeError(`nodes must be an integer of at least ${MIN_NODES}, got ${nodes}`);
  const seed = options.seed ?? DEFAULT_SEED;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const plan = makePlan(nodes, seed >>> 0);
  log(
    `Plan (seed ${plan.seed}): ${plan.clusters} network(s) × (${plan.facilitiesPerCluster} facilities, ${plan.depositsPerCluster} deposits, ` +
      `${plan.productsPerCluster} products, ${plan.companiesPerCluster} companies); ${plan.countries} countries, ${plan.subjects} subjects, ` +
      `${plan.districts} districts; ${plan.sources} sources; batches of ${batchSize}`,
  );

  for (const statement of SCHEMA_STATEMENTS) await driver.executeQuery(statement.cypher, {}, { database });
  await driver.executeQuery('CALL db.awaitIndexes(300)', {}, { database });

  const nodeProgress = new Progress('nodes', log);
  for (const write of NODE_WRITES) {
    await writeBatches(driver, database, write, plan, batchSize, NODE_TX_IN_FLIGHT, (c) => nodeProgress.add(c.nodes, write.name));
    nodeProgress.add(0, write.name, true);
  }
  const nodeRate = nodeProgress.rate();

  const relProgress = new Progress('relationships', log);
  for (const write of REL_WRITES) {
    await writeBatches(driver, database, write, plan, batchSize, REL_TX_IN_FLIGHT, (c) => relProgress.add(c.relationships, write.name));
    relProgress.add(0, write.name, true);
  }
  const relRate = relProgress.rate();

  const sampleStart = Date.now();
  const samples = await chooseSamples(driver, database, plan);
  log(`Samples chosen in ${((Date.now() - sampleStart) / 1000).toFixed(1)} s`);
  const seconds = (Date.now() - started) / 1000;
  return {
    nodes: nodeProgress.count,
    relationships: relProgress.count,
    seconds: Math.round(seconds * 10) / 10,
    nodesPerSec: Math.round(nodeRate),
    relationshipsPerSec: Math.round(relRate),
    samples,
  };
}

/** How many `syn-` nodes (entities and sources) the database holds. */
export async function countSyntheticNodes(driver: Driver, database: string): Promise<number> {
  const rows = await read<{ n: unknown }>(
    driver,
    database,
    `CALL () { MATCH (n:Entity) WHERE n.id STARTS WITH 'syn-' RETURN count(n) AS c
  UNION ALL MATCH (n:Source) WHERE n.id STARTS WITH 'syn-' RETURN count(n) AS c }
RETURN sum(c) AS n`,
    {},
  );
  return num(rows[0]?.n ?? 0);
}

/** Detach-deletes every `syn-` node in transactions of `batchSize` nodes; returns how many. */
export async function deleteSyntheticGraph(driver: Driver, database: string, batchSize = 2_000, log?: (m: string) => void): Promise<number> {
  let deleted = 0;
  for (const label of ['Entity', 'Source'] as const) {
    // CALL … IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
    const session = driver.session({ database });
    try {
      const result = await session.run(
        `MATCH (n:${label}) WHERE n.id STARTS WITH 'syn-'
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF ${Math.max(1, Math.floor(batchSize))} ROWS`,
      );
      const n = result.summary.counters.updates().nodesDeleted;
      deleted += n;
      log?.(`Deleted ${n.toLocaleString('en-US')} synthetic ${label} nodes`);
    } finally {
      await session.close();
    }
  }
  return deleted;
}
