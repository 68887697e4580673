import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { StoredUser } from '../../store';
import type { RequestServices } from '../../services/request-services';
import type { ViewField } from '../../vendors/kit/adapter';

/**
 * The User fields answered from one field of the directory's view of a person, by GraphQL name.
 * Each resolver module registers its own (the account feature adds `account`), so a page knows
 * which of the fields it selects it can settle at once.
 */
const viewFieldOf = new Map<string, ViewField>();

export function answeredFromView(name: string, field: ViewField): void {
  viewFieldOf.set(name, field);
}

/**
 * Settles, for every user of a page, the view fields the query selects on them (`nodes { … }` and
 * `edges { node { … } }` of the connection field being resolved, or the User field itself with
 * `at: 'self'`), so that their resolvers answer without a promise each: the same vendor calls, in
 * a few rounds for the whole page.
 */
export async function settleSelected(
  context: RequestServices,
  users: readonly StoredUser[],
  info: GraphQLResolveInfo,
  at: 'connection' | 'self',
): Promise<void> {
  if (users.length === 0) return;
  const own = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  const userSelections =
    at === 'self'
      ? own
      : [...selectedUnder(own, 'nodes', info), ...selectedUnder(selectedUnder(own, 'edges', info), 'node', info)];
  const fields = new Set<ViewField>();
  for (const name of selectedNames(userSelections, info)) {
    const field = viewFieldOf.get(name);
    if (field !== undefined) fields.add(field);
  }
  if (fields.size > 0) await context.users.settle(users, [...fields]);
}

/** The selection sets of the fields named `name` in `sets`. */
function selectedUnder(sets: readonly SelectionSetNode[], name: string, info: GraphQLResolveInfo): SelectionSetNode[] {
  const found: SelectionSetNode[] = [];
  visit(sets, info, (field) => {
    if (field.name.value === name && field.selectionSet) found.push(field.selectionSet);
  });
  return found;
}

function selectedNames(sets: readonly SelectionSetNode[], info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  visit(sets, info, (field) => names.add(field.name.value));
  return names;
}

/** Every field selected in `sets`, through fragments and inline fragments, leaving out what @skip or @include leave out. */
function visit(
  sets: readonly SelectionSetNode[],
  info: GraphQLResolveInfo,
  onField: (field: Extract<SelectionSetNode['selections'][number], { kind: Kind.FIELD }>) => void,
  spread = new Set<string>(),
): void {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (!included(selection, info)) continue;
      if (selection.kind === Kind.FIELD) onField(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit([selection.selectionSet], info, onField, spread);
      else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = info.fragments[selection.name.value];
        if (fragment) visit([fragment.selectionSet], info, onField, spread);
      }
    }
  }
}

function included(node: SelectionSetNode['selections'][number], info: GraphQLResolveInfo): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.['if'] === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.['if'] !== false;
}
