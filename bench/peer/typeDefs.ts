/**
 * The peer of the benchmark: @neo4j/graphql 7 type definitions over the SAME stored graph (labels,
 * relationship types and properties as written by src/import/seed.ts), read-only.
 *
 * Mapping notes:
 * - Every domain type maps to `:<Label>:Entity`, so a lookup by `id` can use the `entity_id`
 *   uniqueness constraint (an index on `:Entity(id)`), as our server does.
 * - Flow relationships carry properties (`material`, `status`, …) exposed through `@relationshipProperties`
 *   (read through the `…Connection` fields, `edges { properties node }`).
 * - `sources` follows the stored `sourceIds` list with `@cypher` (the Source id is uniquely indexed).
 * - Full-text search uses the library's `@fulltext` on an `Entity` node type bound to our existing
 *   index `entity_search` (name, aliasesText on `:Entity`); nothing is created by the library.
 * - Traversals are `@cypher` Query fields with the same semantics as src/db/queries/traversal.ts for
 *   a deposit or facility as start (directed flow types without CONSUMED_BY, companies are not part of
 *   the flow, historical links and historical or suspended facilities are skipped), and for an element
 *   (`elementDependents`: the facilities making or consuming a product that contains it, and what they
 *   feed), returning plain object types. `impact` is the earlier reachability answer (what is downstream
 *   and whether another deposit reaches it); ours applies bills of materials in TypeScript, so that
 *   column compares the cost of answering, not the same answer. A
 *   variable-length bound cannot be a Cypher parameter and a `@cypher` statement is static, so the
 *   patterns are bounded by the API maximum (12) and `$maxHops` filters the path length.
 */

/** Flow relationship types traversals follow, all stored pointing downstream (src/domain/graphModel FLOW_TYPES). */
const FLOW = 'FEEDS|SUPPLIES|PRODUCES|USED_IN';
/** Upstream types that count as another supply route (contracted flows and production, not purchases). */
const SUPPLY_ROUTE = 'FEEDS|SUPPLIES|PRODUCES|USED_IN';
/** Longest chain the API accepts; the static upper bound of every quantified pattern. */
const MAX_HOPS = 12;

/** A hop into `y` over `r` counts: not a company, link not ended, facility not ended or suspended. */
const STEP = `NOT y:Company AND coalesce(r.status, '') <> 'historical'
      AND (NOT y:Facility OR NOT y.status IN ['historical', 'suspended'])`;

const KIND = (n: string): string => `head([l IN labels(${n}) WHERE l <> 'Entity'])`;

const DEPENDENTS = `
MATCH (a:Entity {id: $of})
MATCH p = ANY SHORTEST (a)((x)-[r:${FLOW}]->(y) WHERE ${STEP}){1,${MAX_HOPS}}(b)
WHERE b <> a AND length(p) <= $maxHops
WITH b, p ORDER BY length(p), b.name LIMIT $first
RETURN {id: b.id, name: b.name, kind: ${KIND('b')}, hops: length(p), path: [n IN nodes(p) | n.id]} AS dependent`;

const ELEMENT_DEPENDENTS = `
MATCH (e:Element {id: $of})
CALL (e) {
  MATCH (e)<-[:CONTAINS]-(:Product)<-[:PRODUCES]-(a:Facility) RETURN a
  UNION
  MATCH (e)<-[:CONTAINS]-(:Product)-[:CONSUMED_BY]->(a:Facility) RETURN a
}
WITH DISTINCT a WHERE NOT a.status IN ['historical', 'suspended']
MATCH p = ANY SHORTEST (a)((x)-[r:${FLOW}]->(y) WHERE ${STEP}){0,${MAX_HOPS}}(b:Facility)
WHERE 2 + length(p) <= $maxHops
WITH b, min(2 + length(p)) AS hops ORDER BY hops, b.name LIMIT $first
RETURN {id: b.id, name: b.name, kind: ${KIND('b')}, hops: hops, path: []} AS dependent`;

const PATHS = `
MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
MATCH p = SHORTEST 5 (a)((x)-[r:${FLOW}]->(y) WHERE ${STEP}){1,${MAX_HOPS}}(b)
WHERE length(p) <= $maxHops
WITH p ORDER BY length(p)
RETURN {length: length(p), nodeIds: [n IN nodes(p) | n.id], nodeNames: [n IN nodes(p) | n.name]} AS path`;

const IMPACT = `
MATCH (d:Entity {id: $of})
MATCH p = ANY SHORTEST (d)((x)-[r:${FLOW}]->(y) WHERE ${STEP}){1,${MAX_HOPS}}(t)
WHERE t <> d AND length(p) <= $maxHops
WITH d, t, length(p) AS hops
WITH t, hops, EXISTS {
  MATCH q = ANY SHORTEST (t)((x)<-[r:${SUPPLY_ROUTE}]-(y) WHERE ${STEP} AND y <> d){1,${MAX_HOPS}}(:Deposit)
  WHERE length(q) <= $maxHops
} AS rerouted
ORDER BY hops, t.name
RETURN {id: t.id, name: t.name, kind: ${KIND('t')}, hops: hops, fullyExposed: NOT rerouted} AS affected`;

const ENTITY_FIELDS = `
  id: ID!
  name: String!
  aliases: [String!]
  description: String
  confidence: String
  sourceIds: [String!]
  sources: [Source!]! @cypher(statement: "MATCH (s:Source) WHERE s.id IN this.sourceIds RETURN s", columnName: "s")`;

export const peerTypeDefs = /* GraphQL */ `
extend schema @mutation(operations: [])

type Source @node(labels: ["Source"]) {
  id: ID!
  title: String!
  publisher: String
  date: String
  url: String
}

"Any domain entity; carries the full-text index of names and aliases."
type Entity @node(labels: ["Entity"])
  @fulltext(indexes: [{ indexName: "entity_search", queryName: "searchEntities", fields: ["name", "aliasesText"] }]) {
  id: ID!
  name: String!
  aliases: [String!]
  aliasesText: String
}

"Properties of a material flow (FEEDS, SUPPLIES)."
type Flow @relationshipProperties {
  material: String
  status: String
  statusNote: String
  startYear: Int
  endYear: Int
  confidence: String
  note: String
  sourceIds: [String!]
}

"Properties of a PRODUCES link."
type Production @relationshipProperties {
  status: String
  volume: String
  capacityTPerYr: Float
  sourceIds: [String!]
}

union FlowSource = Facility | Deposit

type Facility @node(labels: ["Facility", "Entity"]) {
${ENTITY_FIELDS}
  kind: String!
  status: String!
  statusNote: String
  startYear: Int
  endYear: Int
  capacityValue: Float
  capacityUnit: String
  operators: [Company!]! @relationship(type: "OPERATES", direction: IN)
  participants: [Company!]! @relationship(type: "PARTICIPATES_IN", direction: IN)
  region: [Region!]! @relationship(type: "LOCATED_IN", direction: OUT)
  "Material fed in (FEEDS) from deposits and upstream facilities."
  inputs: [FlowSource!]! @relationship(type: "FEEDS", direction: IN, properties: "Flow")
  "Material supplied (SUPPLIES) by other facilities."
  suppliedBy: [Facility!]! @relationship(type: "SUPPLIES", direction: IN, properties: "Flow")
  outputs: [Facility!]! @relationship(type: "FEEDS", direction: OUT, properties: "Flow")
  products: [Product!]! @relationship(type: "PRODUCES", direction: OUT, properties: "Production")
  consumes: [Product!]! @relationship(type: "CONSUMED_BY", direction: IN)
  partOf: [Facility!]! @relationship(type: "PART_OF", direction: OUT)
}

type Company @node(labels: ["Company", "Entity"]) {
${ENTITY_FIELDS}
  kind: String!
  facilities: [Facility!]! @relationship(type: "OPERATES", direction: OUT)
  licences: [Deposit!]! @relationship(type: "HOLDS_LICENCE", direction: OUT)
}

type Region @node(labels: ["Region", "Entity"]) {
${ENTITY_FIELDS}
  kind: String!
  regime: String
  parent: [Region!]! @relationship(type: "PART_OF", direction: OUT)
  children: [Region!]! @relationship(type: "PART_OF", direction: IN)
  facilities: [Facility!]! @relationship(type: "LOCATED_IN", direction: IN)
  deposits: [Deposit!]! @relationship(type: "LOCATED_IN", direction: IN)
}

type Deposit @node(labels: ["Deposit", "Entity"]) {
${ENTITY_FIELDS}
  commodity: String!
  status: String!
  statusNote: String
  region: [Region!]! @relationship(type: "LOCATED_IN", direction: OUT)
  feeds: [Facility!]! @relationship(type: "FEEDS", direction: OUT, properties: "Flow")
  elements: [Element!]! @relationship(type: "CONTAINS", direction: OUT)
  operators: [Company!]! @relationship(type: "OPERATES", direction: IN)
  licensees: [Company!]! @relationship(type: "HOLDS_LICENCE", direction: IN)
}

type Element @node(labels: ["Element", "Entity"]) {
${ENTITY_FIELDS}
  symbol: String!
  atomicNumber: Int!
  group: String!
  reeClass: String
  magnetInput: Boolean
  deposits: [Deposit!]! @relationship(type: "CONTAINS", direction: IN)
  usedIn: [Product!]! @relationship(type: "USED_IN", direction: OUT)
}

type Product @node(labels: ["Product", "Entity"]) {
${ENTITY_FIELDS}
  kind: String!
  producedBy: [Facility!]! @relationship(type: "PRODUCES", direction: IN, properties: "Production")
  consumedBy: [Facility!]! @relationship(type: "CONSUMED_BY", direction: OUT)
  usedIn: [Product!]! @relationship(type: "USED_IN", direction: OUT)
  elements: [Element!]! @relationship(type: "CONTAINS", direction: OUT)
}

"An entity downstream of the one asked about, with one shortest way to it."
type Dependent {
  id: ID!
  name: String!
  kind: String!
  hops: Int!
  "Ids along the shortest way, from the start to this entity."
  path: [ID!]!
}

"A supply path."
type SupplyPath {
  length: Int!
  nodeIds: [ID!]!
  nodeNames: [String!]!
}

"An entity affected when the disrupted one stops."
type Affected {
  id: ID!
  name: String!
  kind: String!
  hops: Int!
  "True when no deposit reaches it upstream without passing through the disrupted entity."
  fullyExposed: Boolean!
}

type Query {
  "Everything downstream of \`of\` along material flows, nearest first."
  dependents(of: ID!, maxHops: Int = 6, first: Int = 100): [Dependent!]!
    @cypher(statement: """${DEPENDENTS}""", columnName: "dependent")
  "Facilities depending on the element \`of\`: makers and consumers of products containing it, and what they feed."
  elementDependents(of: ID!, maxHops: Int = 6, first: Int = 100): [Dependent!]!
    @cypher(statement: """${ELEMENT_DEPENDENTS}""", columnName: "dependent")
  "The (up to 5) shortest downstream paths from \`from\` to \`to\`, shortest first."
  paths(from: ID!, to: ID!, maxHops: Int = 8): [SupplyPath!]!
    @cypher(statement: """${PATHS}""", columnName: "path")
  "What is downstream of \`of\` and whether another deposit still reaches it."
  impact(of: ID!, maxHops: Int = 8): [Affected!]!
    @cypher(statement: """${IMPACT}""", columnName: "affected")
}
`;
