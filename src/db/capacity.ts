import type { Executor } from './executor';
import { optionalNumber, stringList, type EntityRecord, type FacilityModel } from './models';
import { CAPACITY_FACILITIES, type CapacityRow } from './queries/capacity';

/** The unit every capacity total is given in. */
export const CAPACITY_UNIT = 't/yr';

/** Factors to t/yr of the units the sources use; any other unit is listed as not convertible. */
const TO_TONNES_PER_YEAR: Readonly<Record<string, number>> = { 't/yr': 1, tpa: 1, 'kt/yr': 1_000, ktpa: 1_000, 'Mt/yr': 1_000_000 };

export type CapacityGroupBy = 'COUNTRY' | 'COMPANY' | 'REGION';

export interface CapacityItemRecord {
  readonly facility: FacilityModel;
  readonly value: number | null;
  readonly unit: string | null;
  readonly converted: number | null;
  readonly uncountedBecause: string | null;
  readonly sourceIds: readonly string[];
}

export interface CapacityGroupRecord {
  readonly key: EntityRecord | null;
  readonly total: number;
  readonly facilities: readonly CapacityItemRecord[];
}

export interface CapacityReportRecord {
  readonly unit: string;
  readonly total: number;
  readonly groups: readonly CapacityGroupRecord[];
  readonly uncounted: readonly CapacityItemRecord[];
}

export interface CapacityOptions {
  readonly stage: string | null;
  /** A commodity family: only facilities working on it (at `stage`, when given). */
  readonly commodity: string | null;
  readonly product: string | null;
  readonly groupBy: CapacityGroupBy;
  readonly asOf: number | null;
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * Whether a facility counts in `asOf`: `count` when it operates that year (started by then — its first
 * operation, else its full-capacity year — not ended,
 * not historical; every facility when no year is asked), `skip` when it does not, or the reason it
 * cannot be told (no start year).
 */
function inYear(facility: FacilityModel, asOf: number | null): 'count' | 'skip' | string {
  if (asOf === null) return 'count';
  const { endYear, status } = facility.data;
  const startYear = facility.data.startYear ?? facility.data.fullCapacityYear;
  if (status === 'historical') return 'skip';
  if (startYear === undefined) return `no start year, so not known to operate in ${asOf}`;
  return startYear <= asOf && (endYear === undefined || endYear >= asOf) ? 'count' : 'skip';
}

/** The capacity of one facility: the production link's for a product when the sources give one, else the facility's. */
function itemOf(row: CapacityRow & { facility: FacilityModel }): CapacityItemRecord {
  const linkValue = optionalNumber(row.link?.capacityTPerYr);
  const ownCapacity = row.facility.data.capacity;
  const [value, unit, sourceIds] =
    linkValue !== null
      ? [linkValue, 't/yr', stringList(row.link?.sourceIds)]
      : ownCapacity
        ? [ownCapacity.value, ownCapacity.unit, row.facility.data.sources]
        : [null, null, row.facility.data.sources];
  const factor = unit === null ? undefined : TO_TONNES_PER_YEAR[unit];
  const converted = value !== null && factor !== undefined ? round(value * factor) : null;
  const uncountedBecause = value === null ? 'no capacity in the sources' : converted === null ? `the unit "${unit}" cannot be converted to ${CAPACITY_UNIT}` : null;
  return { facility: row.facility, value, unit, converted, uncountedBecause, sourceIds };
}

const keyOf = (row: CapacityRow, groupBy: CapacityGroupBy): EntityRecord | null =>
  groupBy === 'COUNTRY' ? row.country : groupBy === 'COMPANY' ? row.operator : row.region;

/**
 * Capacities summed per country, company or region. Facilities without a capacity, with a unit that
 * cannot be converted, or (with `asOf`) without a start year are listed in `uncounted` with the reason;
 * facilities that do not operate in `asOf` are left out.
 */
export async function capacityReport(db: Executor, options: CapacityOptions): Promise<CapacityReportRecord> {
  const scope = options.product != null ? 'product' : options.stage != null ? 'stage' : 'all';
  const rows = await db.read(CAPACITY_FACILITIES[scope], { stage: options.stage, commodity: options.commodity, product: options.product });
  const groups = new Map<string, { key: EntityRecord | null; items: CapacityItemRecord[] }>();
  const uncounted: CapacityItemRecord[] = [];
  for (const row of rows) {
    const facility = row.facility;
    if (facility.kind !== 'FACILITY') continue;
    const when = inYear(facility, options.asOf);
    if (when === 'skip') continue;
    const item = itemOf({ ...row, facility });
    if (when !== 'count') {
      uncounted.push({ ...item, uncountedBecause: when });
      continue;
    }
    if (item.uncountedBecause !== null) {
      uncounted.push(item);
      continue;
    }
    const key = keyOf(row, options.groupBy);
    const id = key?.id ?? '';
    const group = groups.get(id) ?? { key, items: [] };
    group.items.push(item);
    groups.set(id, group);
  }
  const summed = [...groups.values()]
    .map(({ key, items }) => ({
      key,
      total: round(items.reduce((sum, item) => sum + (item.converted ?? 0), 0)),
      facilities: items.sort((a, b) => (b.converted ?? 0) - (a.converted ?? 0) || a.facility.data.name.localeCompare(b.facility.data.name)),
    }))
    .sort((a, b) => b.total - a.total || (a.key?.data.name ?? '').localeCompare(b.key?.data.name ?? ''));
  return { unit: CAPACITY_UNIT, total: round(summed.reduce((sum, g) => sum + g.total, 0)), groups: summed, uncounted };
}
