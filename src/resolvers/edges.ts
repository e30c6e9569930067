import type {
  ContainedElementResolvers,
  ExportControlResolvers,
  FigureResolvers,
  LicenceResolvers,
  OwnershipResolvers,
  ProductionResolvers,
  SourceResolvers,
  StageShareResolvers,
  SupplyLinkResolvers,
} from '../generated/graphql';
import { expectKind, numberProp, ofKind, optionalNumber, optionalString, stringList, stringProp, type EntityRecord, type NodeRecord, type ProductModel, type RelationRecord } from '../db/models';
import { confidenceOf, sourcesOf, then, type MaybePromise } from './helpers';
import type { Context } from '../context';
import { parseRequirement } from '../domain/materials';
import { LINK_STATUS, LINK_TYPE } from './enums';

// Relationship types resolve from a RelationRecord: its stored type, endpoints and properties. An end whose
// field has an entity type is narrowed to that kind: the relation specs select those labels.

const linkStatus = (r: RelationRecord) => LINK_STATUS.decode(r.props.status, r.props.endYear ? 'HISTORICAL' : 'OPERATING');
const provenance = {
  confidence: (r: RelationRecord) => confidenceOf(r.props.confidence),
  inferredFrom: (r: RelationRecord) => optionalString(r.props.inferredFrom),
  note: (r: RelationRecord) => optionalString(r.props.note),
  sources: (r: RelationRecord, _a: unknown, ctx: Parameters<typeof sourcesOf>[0]) => sourcesOf(ctx, stringList(r.props.sourceIds)),
};

const NONE: ReadonlyMap<string, NodeRecord> = new Map();

/**
 * The entities of an id list a link names, in order: those that came with the link (RelationRecord.named),
 * the others through the node loader; ids with no entity (deleted since) are left out. Synchronous
 * when every one came with the link.
 */
function entitiesOf(ctx: Context, r: RelationRecord, ids: readonly string[]): MaybePromise<EntityRecord[]> {
  const named = r.named ?? NONE;
  const missing = ids.filter((id) => !named.has(id));
  const entities = (loaded: ReadonlyMap<string, NodeRecord | Error | null>): EntityRecord[] =>
    ids
      .map((id) => named.get(id) ?? loaded.get(id) ?? null)
      .filter((n): n is EntityRecord => !(n instanceof Error) && n !== null && n.__typename !== 'Source' && n.__typename !== 'Figure');
  if (missing.length === 0) return entities(NONE);
  return ctx.loaders.node.loadMany(missing).then((loaded) => entities(new Map(missing.map((id, i) => [id, loaded[i] ?? null]))));
}

/** The product a link carries: named by a flow, or the product at one end of a production, consumption or use. */
function linkProduct(r: RelationRecord, ctx: Context): MaybePromise<ProductModel | null> {
  const isProduct = ofKind('PRODUCT');
  if (typeof r.props.product === 'string') return then(entitiesOf(ctx, r, [r.props.product]), (entities) => entities.find(isProduct) ?? null);
  if (r.type === 'PRODUCES') return isProduct(r.to) ? r.to : null;
  if (r.type === 'CONSUMED_BY' || r.type === 'USED_IN') return isProduct(r.from) ? r.from : null;
  return null;
}

/** A production's bill of materials as requirements of entities; null when none is recorded. */
async function requirementsOf(r: RelationRecord, ctx: Context) {
  if (!Array.isArray(r.props.requires)) return null;
  return Promise.all(stringList(r.props.requires).map(async (entry) => ({ anyOf: await entitiesOf(ctx, r, parseRequirement(entry)) })));
}

export const SupplyLink: SupplyLinkResolvers = {
  ...provenance,
  type: (r) => LINK_TYPE.parse(r.type),
  from: (r) => r.from,
  to: (r) => r.to,
  material: (r, _a, ctx) => optionalString(r.props.material) ?? then(linkProduct(r, ctx), (product) => product?.data.name ?? null),
  product: (r, _a, ctx) => linkProduct(r, ctx),
  requires: (r, _a, ctx) => requirementsOf(r, ctx),
  status: linkStatus,
  statusNote: (r) => optionalString(r.props.statusNote),
  startYear: (r) => optionalNumber(r.props.startYear),
  endYear: (r) => optionalNumber(r.props.endYear),
};

export const ContainedElement: ContainedElementResolvers = {
  ...provenance,
  deposit: (r) => expectKind('DEPOSIT', r.from),
  element: (r) => expectKind('ELEMENT', r.to),
};

export const Licence: LicenceResolvers = {
  ...provenance,
  holder: (r) => expectKind('COMPANY', r.from),
  deposit: (r) => expectKind('DEPOSIT', r.to),
  startYear: (r) => optionalNumber(r.props.startYear),
  termYears: (r) => optionalNumber(r.props.termYears),
  scope: (r) => optionalString(r.props.scope),
};

export const Ownership: OwnershipResolvers = {
  owner: (r) => expectKind('COMPANY', r.from),
  owned: (r) => r.to,
  sharePct: (r) => optionalNumber(r.props.sharePct),
  startYear: (r) => optionalNumber(r.props.startYear),
  endYear: (r) => optionalNumber(r.props.endYear),
  status: linkStatus,
  note: provenance.note,
  sources: provenance.sources,
};

export const Production: ProductionResolvers = {
  ...provenance,
  facility: (r) => expectKind('FACILITY', r.from),
  product: (r) => expectKind('PRODUCT', r.to),
  capacity: (r) => (typeof r.props.capacityTPerYr === 'number' ? { value: r.props.capacityTPerYr, unit: 't/yr' } : null),
  requires: (r, _a, ctx) => requirementsOf(r, ctx),
  status: linkStatus,
};

export const StageShare: StageShareResolvers = {
  country: (r) => expectKind('REGION', r.from),
  stage: (r) => expectKind('STAGE', r.to),
  commodity: (r) => stringProp(r.props, 'commodity'),
  sharePct: (r) => numberProp(r.props, 'sharePct'),
  year: (r) => numberProp(r.props, 'year'),
  metric: (r) => optionalString(r.props.metric),
  tonnes: (r) => optionalNumber(r.props.tonnes),
  derived: (r) => r.props.derived === true,
  sources: provenance.sources,
};

export const ExportControl: ExportControlResolvers = {
  country: (r) => expectKind('REGION', r.from),
  target: (r) => r.to,
  measure: (r) => stringProp(r.props, 'measure'),
  status: (r) => stringProp(r.props, 'status'),
  announced: (r) => optionalString(r.props.announced),
  effective: (r) => optionalString(r.props.effective),
  sources: provenance.sources,
};

export const Source: SourceResolvers = {};

export const Figure: FigureResolvers = {
  metric: (f) => f.data.metric,
  value: (f) => f.data.value,
  unit: (f) => f.data.unit,
  year: (f) => f.data.year ?? null,
  basis: (f) => f.data.basis ?? null,
  confidence: (f) => confidenceOf(f.data.confidence),
  sources: (f, _a, ctx) => sourcesOf(ctx, f.data.sources, f),
};
