import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * True when the field being resolved selects the nested field `path` (for example `affected`, `path`),
 * through inline fragments and fragment spreads too. Lets a resolver skip work nobody asked for, such
 * as materialising paths.
 */
export function selects(info: GraphQLResolveInfo, ...path: string[]): boolean {
  const fields = (set: SelectionSetNode | undefined, name: string): FieldNode[] =>
    (set?.selections ?? []).flatMap((selection) => {
      switch (selection.kind) {
        case Kind.FIELD:
          return selection.name.value === name ? [selection] : [];
        case Kind.INLINE_FRAGMENT:
          return fields(selection.selectionSet, name);
        case Kind.FRAGMENT_SPREAD:
          return fields(info.fragments[selection.name.value]?.selectionSet, name);
      }
    });
  let level: readonly FieldNode[] = info.fieldNodes;
  for (const name of path) {
    level = level.flatMap((node) => fields(node.selectionSet, name));
    if (level.length === 0) return false;
  }
  return true;
}
