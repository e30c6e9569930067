import type { ElementResolvers } from '../generated/graphql';
import { optionalString } from '../db/models';
import { entityFields } from './Entity';
import { dependenciesField, dependentsField } from './traversal';
import { relatedPage, relationsOf } from './helpers';

export const Element: ElementResolvers = {
  ...entityFields,
  symbol: (p) => String(p.props.symbol),
  atomicNumber: (p) => Number(p.props.atomicNumber),
  group: (p) => String(p.props.group),
  reeClass: (p) => (optionalString(p.props.reeClass)?.toUpperCase() as 'LIGHT' | 'HEAVY' | 'NEITHER' | undefined) ?? null,
  magnetInput: (p) => p.props.magnetInput === true,
  deposits: (p, _a, ctx) => relationsOf(ctx, 'elementDeposits', p.id),
  usedIn: (p, a, ctx) => relatedPage(ctx, 'elementUsedIn', p.id, a),
  containedIn: (p, a, ctx) => relatedPage(ctx, 'elementContainedIn', p.id, a),
  exportControls: (p, _a, ctx) => relationsOf(ctx, 'exportControlsOn', p.id),
  dependents: dependentsField,
  dependencies: dependenciesField,
};
