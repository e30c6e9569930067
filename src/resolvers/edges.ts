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
import { numberProp, optionalNumber, optionalString, stringProp, type RelationRecord } from '../db/models';
import { confidenceOf, sourcesOf } from './helpers';
import { LINK_STATUS, LINK_TYPE } from './enums';

// Relationship types resolve from a RelationRecord: its stored type, endpoints and properties.

const linkStatus = (r: RelationRecord) => LINK_STATUS.decode(r.props.status, r.props.endYear ? 'HISTORICAL' : 'OPERATING');
const provenance = {
  confidence: (r: RelationRecord) => confidenceOf(r.props),
  inferredFrom: (r: RelationRecord) => optionalString(r.props.inferredFrom),
  note: (r: RelationRecord) => optionalString(r.props.note),
  sources: (r: RelationRecord, _a: unknown, ctx: Parameters<typeof sourcesOf>[0]) => sourcesOf(ctx, r.props),
};

export const SupplyLink: SupplyLinkResolvers = {
  ...provenance,
  type: (r) => LINK_TYPE.parse(r.type),
  from: (r) => r.from,
  to: (r) => r.to,
  material: (r) => optionalString(r.props.material ?? r.props.product),
  status: linkStatus,
  statusNote: (r) => optionalString(r.props.statusNote),
  startYear: (r) => optionalNumber(r.props.startYear),
  endYear: (r) => optionalNumber(r.props.endYear),
};

export const ContainedElement: ContainedElementResolvers = {
  ...provenance,
  deposit: (r) => r.from,
  element: (r) => r.to,
};

export const Licence: LicenceResolvers = {
  ...provenance,
  holder: (r) => r.from,
  deposit: (r) => r.to,
  startYear: (r) => optionalNumber(r.props.startYear),
  termYears: (r) => optionalNumber(r.props.termYears),
  scope: (r) => optionalString(r.props.scope),
};

export const Ownership: OwnershipResolvers = {
  owner: (r) => r.from,
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
  facility: (r) => r.from,
  product: (r) => r.to,
  capacity: (r) => (typeof r.props.capacityTPerYr === 'number' ? { value: r.props.capacityTPerYr, unit: 't/yr' } : null),
  status: linkStatus,
};

export const StageShare: StageShareResolvers = {
  country: (r) => r.from,
  stage: (r) => r.to,
  commodity: (r) => stringProp(r.props, 'commodity'),
  sharePct: (r) => numberProp(r.props, 'sharePct'),
  year: (r) => numberProp(r.props, 'year'),
  metric: (r) => optionalString(r.props.metric),
  tonnes: (r) => optionalNumber(r.props.tonnes),
  derived: (r) => r.props.derived === true,
  sources: provenance.sources,
};

export const ExportControl: ExportControlResolvers = {
  country: (r) => r.from,
  target: (r) => r.to,
  measure: (r) => stringProp(r.props, 'measure'),
  status: (r) => stringProp(r.props, 'status'),
  announced: (r) => optionalString(r.props.announced),
  effective: (r) => optionalString(r.props.effective),
  sources: provenance.sources,
};

export const Source: SourceResolvers = {};

export const Figure: FigureResolvers = {
  metric: (f) => stringProp(f.props, 'metric'),
  value: (f) => numberProp(f.props, 'value'),
  unit: (f) => stringProp(f.props, 'unit'),
  year: (f) => optionalNumber(f.props.year),
  basis: (f) => optionalString(f.props.basis),
  sources: (f, _a, ctx) => sourcesOf(ctx, f.props),
};
