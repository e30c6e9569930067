import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { combinedDocument, combinedVariables, type Example } from '../examples';

/**
 * What a browser gets on GET /graphql: the embedded Apollo Sandbox with every example operation in its
 * editor (pick one with the operation selector), or nothing when the Sandbox is off. The Sandbox page
 * loads from Apollo's CDN; /explorer is the offline alternative.
 */
export function landingPagePlugin(sandbox: boolean, examples: readonly Example[]): ApolloServerPlugin {
  if (!sandbox) return ApolloServerPluginLandingPageDisabled();
  return ApolloServerPluginLandingPageLocalDefault({
    embed: true,
    document: combinedDocument(examples),
    variables: combinedVariables(examples),
    includeCookies: false,
    footer: false,
  });
}
