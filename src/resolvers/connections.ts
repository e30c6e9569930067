/** `totalCount` runs its count query only when a client selects it (a page of entities, sources or figures). */
const connection = { totalCount: (c: { readonly countTotal: () => Promise<number> }) => c.countTotal() };

export const ElementConnection = connection;
export const DepositConnection = connection;
export const RegionConnection = connection;
export const CompanyConnection = connection;
export const FacilityConnection = connection;
export const ProductConnection = connection;
export const SourceConnection = connection;
export const FigureConnection = connection;
