import neo4j, { type Integer } from 'neo4j-driver';
import { z } from 'zod';
import { isRecord } from '../domain/guards';
import { toEntityRecord, toFigureRecord, toNodeRecord, toSourceRecord, type RawNode } from './models';

/*
 * Decoders of the rows statements return: each checks the shape Cypher promised and turns it into the
 * model the resolvers get, so nothing past the executor is cast. A query's decoder sits next to its
 * Cypher (`row:` in db/queries/*); these are the pieces they are built from.
 */

/**
 * A whole number as a JavaScript number: the server's driver returns numbers (`disableLosslessIntegers`),
 * a driver without that option returns Neo4j `Integer`s; both decode the same.
 */
export const INTEGER = z.union([z.number(), z.custom<Integer>((value) => neo4j.isInt(value)).transform((value) => value.toNumber())]);

/** A node's property map: every node the graph returns has an `id`. */
export const isNodeProps = (value: unknown): value is RawNode['props'] => isRecord(value) && typeof value.id === 'string';

/**
 * A stored property map, checked to be one and passed on as it is: zod's record and object parsers
 * would copy it key by key, in every row of every statement, for values nothing here constrains.
 */
export const PROPS = z.custom<Record<string, unknown>>(isRecord, 'expected a property map');
export const NODE_PROPS = z.custom<RawNode['props']>(isNodeProps, 'expected a property map with a string id');

/** `{labels: labels(n), props: properties(n)}`; `projected` is set by the code, never by Cypher (RawNode). */
export const RAW_NODE: z.ZodType<RawNode> = z.object({ labels: z.array(z.string()), props: NODE_PROPS, projected: z.literal(true).optional() });

/**
 * An entity as its kind's model: the record parsed with the label's schema in NODE_SCHEMAS (over
 * fromStoredProps). Stored data that breaks the model fails the row: a DecodeError naming the statement.
 */
export const ENTITY = RAW_NODE.transform(toEntityRecord);
export const SOURCE = RAW_NODE.transform(toSourceRecord);
export const FIGURE = RAW_NODE.transform(toFigureRecord);
/** An entity, a source or a figure (entities and figures decoded with the domain model, as ENTITY). */
export const NODE = RAW_NODE.transform(toNodeRecord);

/** A relationship as `{type: type(r), props: properties(r), from: a.id, to: b.id}`. */
export const RAW_LINK = z.object({ type: z.string(), props: PROPS, from: z.string(), to: z.string() });

/** Rows a caller ignores beyond their count. */
export const ANY_ROW = z.unknown();
