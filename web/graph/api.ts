import { GraphQLClient } from 'graphql-request';
import { graphql } from '../../client/generated';

/**
 * Everything the page asks our API, typed by GraphQL Code Generator (`npm run codegen` reads the
 * documents below). The page talks to this origin's /graphql only.
 */
export const api = new GraphQLClient(new URL('/graphql', window.location.origin).href);

export const SearchQuery = graphql(/* GraphQL */ `
  query GraphSearch($text: String!) {
    search(text: $text, first: 10) {
      score
      entity {
        id
        name
        entityKind
      }
    }
  }
`);

export const DependencyFields = graphql(/* GraphQL */ `
  fragment GraphDependency on Dependency {
    hops
    path {
      nodes {
        id
        name
        entityKind
      }
      links {
        type
        material
        status
        from {
          id
        }
        to {
          id
        }
        sources {
          id
        }
      }
    }
  }
`);

/** What an entity feeds (downstream) and what feeds it (upstream), within `maxHops`, in the year `asOf`. */
export const NeighbourhoodQuery = graphql(/* GraphQL */ `
  query GraphNeighbourhood($id: ID!, $maxHops: Int!, $asOf: Int) {
    centre: node(id: $id) {
      id
      ... on Entity {
        name
        entityKind
      }
    }
    dependents(of: $id, maxHops: $maxHops, asOf: $asOf, first: 100) {
      ...GraphDependency
    }
    dependencies(of: $id, maxHops: $maxHops, asOf: $asOf, first: 100) {
      ...GraphDependency
    }
  }
`);

/** The side panel: an entity's properties and its sources. */
export const EntityQuery = graphql(/* GraphQL */ `
  query GraphEntity($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Entity {
        name
        entityKind
        aliases
        description
        confidence
        details {
          key
          value
        }
        sources {
          id
          title
          publisher
          date
          url
        }
      }
      ... on Facility {
        kind
        status
        startYear
        endYear
        capacity {
          value
          unit
        }
        operator {
          name
        }
        region {
          name
        }
      }
      ... on Deposit {
        status
        commodity
        holder {
          name
        }
        region {
          name
        }
      }
      ... on Company {
        kind
        country {
          name
        }
      }
      ... on Product {
        kind
      }
      ... on Element {
        symbol
        atomicNumber
      }
      ... on Region {
        kind
        parent {
          name
        }
      }
    }
  }
`);

export const SharesQuery = graphql(/* GraphQL */ `
  query GraphShares($stage: String!, $element: String) {
    supplyShares(stage: $stage, element: $element) {
      stage {
        id
        name
      }
      commodity
      year
      hhi
      coveredPct
      shares {
        country {
          id
          name
        }
        sharePct
        derived
        metric
        sources {
          id
          title
          url
        }
      }
    }
  }
`);

export const ElementsQuery = graphql(/* GraphQL */ `
  query GraphElements {
    elements(first: 100) {
      edges {
        node {
          symbol
          name
        }
      }
    }
  }
`);

/**
 * The sources of what is drawn, for the exports: the entities' own (at most 100 ids a request, so the
 * caller asks in chunks), and the title and URL of each source id a drawn link cites.
 */
export const ExportSourcesQuery = graphql(/* GraphQL */ `
  query GraphExportSources($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on Entity {
        sources {
          id
          title
          url
        }
      }
      ... on Source {
        title
        url
      }
    }
  }
`);

/**
 * Every change to the graph as it commits (over graphql-ws, not `api`): the page redraws when one
 * concerns what it draws, and resumes `after` the last one it received when it reconnects.
 */
export const ChangesSubscription = graphql(/* GraphQL */ `
  subscription GraphChanges($after: String) {
    changes(after: $after) {
      cursor
      at
      actor
      action
      target
      entityIds
    }
  }
`);
