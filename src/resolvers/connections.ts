import type { ConnectionRecord } from '../db/models';

/** `totalCount` runs its count query only when a client selects it. */
const connection = { totalCount: (c: ConnectionRecord) => c.countTotal() };

export const ElementConnection = connection;
export const DepositConnection = connection;
export const RegionConnection = connection;
export const CompanyConnection = connection;
export const FacilityConnection = connection;
export const ProductConnection = connection;
