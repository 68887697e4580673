/**
 * Refuses, before anything resolves, a query whose arguments break the bounds mutation inputs are
 * held to (src/services/query-arguments.ts): a 400 with the argument named and a stable code, and
 * no vendor asked. Every field of the operation is looked at, in fragments too, with its arguments
 * as execution will see them (variables included). Mutations keep their own bounds, answered in
 * `userErrors`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  OperationTypeNode,
  TypeInfo,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isInputObjectType,
  isListType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { queryArgumentProblems, type ArgumentText } from '../../services/query-arguments';
import type { InputBounds } from '../../services/writes/input-bounds';

export function queryArgumentBounds(schema: GraphQLSchema, bounds: InputBounds): ApolloServerPlugin {
  // The fields with arguments, per operation of a parsed document: Apollo hands the same document
  // object to every request of the same text while its document cache holds it, so the walk is
  // made once, and each request only reads its own argument values.
  const fieldsWithArguments = new WeakMap<OperationDefinitionNode, ArgumentedField[]>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation || operation.operation !== OperationTypeNode.QUERY) return;
          let fields = fieldsWithArguments.get(operation);
          if (fields === undefined) {
            fields = argumentedFields(schema, document, operation);
            fieldsWithArguments.set(operation, fields);
          }
          if (fields.length === 0) return;
          const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
          // Variables that do not fit their types: execution refuses them with a precise error.
          if (variables.errors) return;
          const texts: ArgumentText[] = [];
          for (const { field, node } of fields) {
            let values: Record<string, unknown>;
            try {
              values = getArgumentValues(field, node, variables.coerced);
            } catch {
              continue;
            }
            for (const argument of field.args) {
              if (values[argument.name] !== undefined)
                collectTexts(values[argument.name], argument.type, [argument.name], texts);
            }
          }
          const problem = queryArgumentProblems(texts, bounds)[0];
          if (problem === undefined) return;
          throw new GraphQLError(problem.message, {
            extensions: { code: problem.code, argumentName: problem.argument, http: { status: 400 } },
          });
        },
      };
    },
  };
}

/** A field of an operation that is given arguments, with its definition. */
interface ArgumentedField {
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
}

/** Every field of `operation` given arguments, in fragments too. */
function argumentedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): ArgumentedField[] {
  const fields: ArgumentedField[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: (node) => (node === operation ? undefined : false),
      Field: (node) => {
        const field = typeInfo.getFieldDef();
        if (field && node.arguments?.length) fields.push({ field, node });
      },
    }),
  );
  return fields;
}

/**
 * The strings of an argument's value, with their paths and whether their type is an ID. It nests
 * no deeper than the value, which the edge bounds (VARIABLES_TOO_DEEP).
 */
function collectTexts(value: unknown, type: GraphQLInputType, path: string[], into: ArgumentText[]): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (Array.isArray(value)) for (const item of value) collectTexts(item, nullable.ofType, path, into);
    return;
  }
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      if (field) collectTexts(item, field.type, [...path, name], into);
    }
    return;
  }
  if (typeof value === 'string') into.push({ path, value, isId: getNamedType(type).name === 'ID' });
}
