import type { Resolvers } from '../generated/graphql';
import type { NodeRecord } from '../db/models';
import { JSONObjectResolver } from 'graphql-scalars';
import { Query } from './Query';
import { Mutation } from './Mutation';
import { Subscription } from './Subscription';
import { entityTypeName } from './Entity';
import { Element } from './Element';
import { Deposit } from './Deposit';
import { Region } from './Region';
import { Company } from './Company';
import { Facility } from './Facility';
import { Product } from './Product';
import { SupplyChainStage } from './SupplyChainStage';
import { ContainedElement, ExportControl, Figure, Licence, Ownership, Production, Source, StageShare, SupplyLink } from './edges';
import * as connections from './connections';
import { CountryShare, Dependency, Impact, ImpactedEntity, Path, ShareBreakdown } from './traversal';
import { CapacityItem } from './capacity';

/** The GraphQL type of a node record (`Node.__resolveType`; federation's references check it too). */
export function nodeTypeName(node: NodeRecord) {
  return node.__typename === 'Entity' ? entityTypeName(node) : node.__typename;
}

/** The resolver map, one module per GraphQL type. */
export const resolvers: Resolvers = {
  Query,
  Mutation,
  Subscription,
  JSONObject: JSONObjectResolver,
  Node: { __resolveType: nodeTypeName },
  Entity: { __resolveType: entityTypeName },
  Element,
  Deposit,
  Region,
  Company,
  Facility,
  Product,
  SupplyChainStage,
  SupplyLink,
  ContainedElement,
  Licence,
  Ownership,
  Production,
  StageShare,
  ExportControl,
  Source,
  Figure,
  ...connections,
  Path,
  Dependency,
  Impact,
  ImpactedEntity,
  CountryShare,
  ShareBreakdown,
  CapacityItem,
};
