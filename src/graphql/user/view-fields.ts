import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  GraphQLObjectType,
  Kind,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { StoredUser } from '../../store';
import type { RequestServices } from '../../services/request-services';
import type { UserView, ViewField } from '../../vendors/kit/adapter';

/**
 * The User fields answered from one field of the directory's view of a person, by GraphQL name.
 * Each resolver module registers its own (the account feature adds `account`), so a page knows
 * which of the fields it selects it can settle at once.
 */
const viewFieldOf = new Map<string, ViewField>();

export function answeredFromView(name: string, field: ViewField): void {
  viewFieldOf.set(name, field);
}

/** A field answered from the view field `field`, through `answer` where the two differ. */
export interface ViewAnswer<F extends ViewField> {
  field: F;
  answer?: (value: NonNullable<UserView[F]> | null) => unknown;
}

/** A ViewAnswer of any field. */
export type AnyViewAnswer = { [F in ViewField]: ViewAnswer<F> }[ViewField];

/** A ViewAnswer, typed by its field. */
export const viewAnswer = <F extends ViewField>(
  field: F,
  answer: (value: NonNullable<UserView[F]> | null) => unknown,
): ViewAnswer<F> => ({ field, answer });

/**
 * Sets the resolvers of `type`'s fields answered from the directory's view, straight on the built
 * schema: each asks the request's directory, which answers a field a page has settled at once, and
 * registers the field for settling. These fields take no arguments and no middleware, and
 * type-graphql's resolver wrapper would sort its parameter list and allocate a few objects on every
 * call: about 0.9 MB of garbage for a page of 100 people (measured with V8's sampling heap
 * profiler), a quarter of what the page allocates outside graphql-js.
 */
export function resolveFromView(
  schema: GraphQLSchema,
  type: string,
  answers: Record<string, AnyViewAnswer | undefined>,
): void {
  const object = schema.getType(type);
  if (!(object instanceof GraphQLObjectType)) throw new TypeError(`resolveFromView: ${type} is not an object type`);
  const fields = object.getFields();
  for (const [name, answered] of Object.entries(answers)) {
    const target = fields[name];
    if (answered === undefined || target === undefined)
      throw new TypeError(`resolveFromView: ${type} has no field ${name}`);
    const field = answered.field;
    const answer = answered.answer as ((value: unknown) => unknown) | undefined;
    target.resolve = (root: StoredUser, _args, context: RequestServices) => {
      const value = context.users.fieldNowOrLater(root, field);
      if (answer === undefined) return value;
      return whenSettled(value, answer);
    };
    answeredFromView(name, field);
  }
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

/** `map` of a field's value: at once when the directory answered at once (a settled field), else when its promise does. */
export function whenSettled<T, R>(value: T | Promise<T>, map: (value: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(map) : map(value);
}
