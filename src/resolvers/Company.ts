import type { CompanyResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { dependentsField } from './traversal';
import { firstRelated, relatedPage, relationsOf } from './helpers';

export const Company: CompanyResolvers = {
  ...entityFields,
  kind: (p) => p.data.kind,
  country: (p, _a, ctx) => firstRelated(ctx, 'headquarters', p, 'REGION'),
  owner: async (p, _a, ctx) => (await firstRelated(ctx, 'parentCompanies', p, 'COMPANY')) ?? (await firstRelated(ctx, 'ownedBy', p, 'COMPANY')),
  owners: (p, _a, ctx) => relationsOf(ctx, 'ownedBy', p),
  holdings: (p, _a, ctx) => relationsOf(ctx, 'holdings', p),
  subsidiaries: (p, a, ctx) => relatedPage(ctx, 'subsidiaries', p, a),
  facilities: (p, a, ctx) => relatedPage(ctx, 'operates', p, a),
  licences: (p, _a, ctx) => relationsOf(ctx, 'licencesOfCompany', p),
  participatesIn: (p, a, ctx) => relatedPage(ctx, 'participatesIn', p, a),
  supplies: (p, _a, ctx) => relationsOf(ctx, 'supplies', p),
  dependents: dependentsField,
};
