import type { CompanyResolvers } from '../generated/graphql';
import { entityFields } from './Entity';
import { dependentsField } from './traversal';
import { firstRelated, relatedPage, relationsOf } from './helpers';

export const Company: CompanyResolvers = {
  ...entityFields,
  kind: (p) => p.data.kind,
  country: (p, _a, ctx) => firstRelated(ctx, 'headquarters', p.id, 'REGION'),
  owner: async (p, _a, ctx) => (await firstRelated(ctx, 'parentCompanies', p.id, 'COMPANY')) ?? (await firstRelated(ctx, 'ownedBy', p.id, 'COMPANY')),
  owners: (p, _a, ctx) => relationsOf(ctx, 'ownedBy', p.id),
  holdings: (p, _a, ctx) => relationsOf(ctx, 'holdings', p.id),
  subsidiaries: (p, a, ctx) => relatedPage(ctx, 'subsidiaries', p.id, a),
  facilities: (p, a, ctx) => relatedPage(ctx, 'operates', p.id, a),
  licences: (p, _a, ctx) => relationsOf(ctx, 'licencesOfCompany', p.id),
  participatesIn: (p, a, ctx) => relatedPage(ctx, 'participatesIn', p.id, a),
  supplies: (p, _a, ctx) => relationsOf(ctx, 'supplies', p.id),
  dependents: dependentsField,
};
