import type { DepositResolvers } from '../generated/graphql';
import { optionalString, stringProp } from '../db/models';
import { STATUS } from './enums';
import { entityFields } from './Entity';
import { dependentsField } from './traversal';
import { firstRelated, relationsOf } from './helpers';

export const Deposit: DepositResolvers = {
  ...entityFields,
  status: (p) => STATUS.decode(p.props.status, 'UNDEVELOPED'),
  statusNote: (p) => optionalString(p.props.statusNote),
  commodity: (p) => stringProp(p.props, 'commodity'),
  holder: async (p, _a, ctx) => {
    // The current holder: the most recent stated licence, else the most recent of any.
    const licences = await relationsOf(ctx, 'licencesOfDeposit', p.id);
    const ranked = [...licences].sort(
      (a, b) =>
        Number(b.props.confidence === 'stated') - Number(a.props.confidence === 'stated') ||
        Number(b.props.startYear ?? 0) - Number(a.props.startYear ?? 0),
    );
    return ranked[0]?.from ?? null;
  },
  licences: (p, _a, ctx) => relationsOf(ctx, 'licencesOfDeposit', p.id),
  region: (p, _a, ctx) => firstRelated(ctx, 'locatedIn', p.id),
  elements: (p, _a, ctx) => relationsOf(ctx, 'depositElements', p.id),
  feeds: (p, _a, ctx) => relationsOf(ctx, 'feedsOut', p.id),
  dependents: dependentsField,
};
