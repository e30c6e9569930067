import type { DepositResolvers } from '../generated/graphql';
import { expectKind, optionalNumber, type RelationRecord } from '../db/models';
import { STATUS } from './enums';
import { entityFields } from './Entity';
import { dependentsField } from './traversal';
import { firstRelated, relationsOf } from './helpers';

const stated = (r: RelationRecord): number => (r.props.confidence === 'stated' ? 1 : 0);
const startYear = (r: RelationRecord): number => optionalNumber(r.props.startYear) ?? 0;

export const Deposit: DepositResolvers = {
  ...entityFields,
  status: (p) => STATUS.decode(p.data.status, 'UNDEVELOPED'),
  statusNote: (p) => p.data.statusNote ?? null,
  commodity: (p) => p.data.commodity,
  holder: async (p, _a, ctx) => {
    // The current holder: the most recent stated licence, else the most recent of any.
    const licences = await relationsOf(ctx, 'licencesOfDeposit', p);
    const ranked = [...licences].sort((a, b) => stated(b) - stated(a) || startYear(b) - startYear(a));
    const holder = ranked[0]?.from;
    return holder ? expectKind('COMPANY', holder) : null;
  },
  licences: (p, _a, ctx) => relationsOf(ctx, 'licencesOfDeposit', p),
  region: (p, _a, ctx) => firstRelated(ctx, 'locatedIn', p, 'REGION'),
  elements: (p, _a, ctx) => relationsOf(ctx, 'depositElements', p),
  feeds: (p, _a, ctx) => relationsOf(ctx, 'feedsOut', p),
  dependents: dependentsField,
};
