import type { ElementResolvers } from '../generated/graphql';
import { optionalString } from '../db/models';
import { entityFields } from './Entity';
import { dependenciesField, dependentsField } from './traversal';
import { relatedEntities, relationsOf } from './helpers';

export const Element: ElementResolvers = {
  ...entityFields,
  symbol: (p) => String(p.props.symbol),
  atomicNumber: (p) => Number(p.props.atomicNumber),
  group: (p) => String(p.props.group),
  reeClass: (p) => (optionalString(p.props.reeClass)?.toUpperCase() as 'LIGHT' | 'HEAVY' | 'NEITHER' | undefined) ?? null,
  magnetInput: (p) => p.props.magnetInput === true,
  deposits: (p, _a, ctx) => relationsOf(ctx, 'elementDeposits', p.id),
  usedIn: (p, _a, ctx) => relatedEntities(ctx, 'elementUsedIn', p.id),
  containedIn: (p, _a, ctx) => relatedEntities(ctx, 'elementContainedIn', p.id),
  exportControls: (p, _a, ctx) => relationsOf(ctx, 'exportControlsOn', p.id),
  dependents: dependentsField,
  dependencies: dependenciesField,
};
