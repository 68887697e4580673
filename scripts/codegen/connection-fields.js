'use strict';
/**
 * A GraphQL Code Generator plugin (codegen.yml names it by path): every field of the schema that
 * answers a Relay connection (an object type with `edges` and `pageInfo`), by parent type, with the
 * arguments that pick a different list (every argument but the paging ones `first`, `after`, `last`,
 * `before`). A client's cache pages each of these fields with one field policy (Apollo Client's
 * relayStylePagination(keyArgs)); generating the list means a new connection cannot be forgotten, and
 * `npm run codegen:check` fails until the file is written again.
 */
const { getNamedType, isObjectType } = require('graphql');

const PAGING_ARGUMENTS = new Set(['first', 'after', 'last', 'before']);

/** Whether `type` is a Relay connection: an object type with `edges` and `pageInfo`. */
function isConnection(type) {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return 'edges' in fields && 'pageInfo' in fields;
}

module.exports = {
  plugin(schema) {
    const byType = {};
    const types = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const type of types) {
      const fields = Object.values(type.getFields()).sort((a, b) => a.name.localeCompare(b.name));
      for (const field of fields) {
        if (!isConnection(getNamedType(field.type))) continue;
        const keyArgs = field.args
          .map((argument) => argument.name)
          .filter((name) => !PAGING_ARGUMENTS.has(name))
          .sort();
        (byType[type.name] ??= {})[field.name] = keyArgs;
      }
    }
    return [
      '/**',
      ' * Every field that answers a Relay connection, by parent type, with the arguments that pick a',
      ' * different list (the paging arguments left out): what a cache keys each paged list by.',
      ' */',
      `export const CONNECTION_FIELDS = ${JSON.stringify(byType, null, 2)} as const;`,
      '',
    ].join('\n');
  },
};
