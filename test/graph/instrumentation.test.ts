import type { GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import { createSchema, createSubgraphSchema } from '../../src/graphql/schema';
import { createGraphQLServer } from '../../src/graphql/server';
import { readQueryLimits } from '../../src/graphql/settings';
import { EnvReader } from '../../src/platform/env';
import { silentLogger } from '../../src/platform/logger';
import type { RequestServices } from '../../src/services/request-services';
import { asActor } from '../helpers/gateway';

/**
 * Nothing reads Apollo's cache hints (the HTTP front answers `cache-control: no-store` whatever
 * they say), so no plugin may wrap every field's resolver to compute them: executing an operation
 * leaves each field's resolver as the schema was built with it.
 */
function resolvers(schema: GraphQLSchema): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) found.set(`${type.name}.${field.name}`, field.resolve);
  }
  return found;
}

describe('per-field instrumentation', () => {
  it.each([
    ['standalone', createSchema],
    ['subgraph', () => createSubgraphSchema('admin')],
  ])('wraps no field resolver of the %s schema when an operation runs', async (_name, create) => {
    const schema = await create();
    const before = resolvers(schema);
    const server = createGraphQLServer(schema, silentLogger, readQueryLimits(new EnvReader({})));
    await server.start();
    try {
      const response = await asActor('viewer', () =>
        server.executeOperation({ query: '{ __typename }' }, { contextValue: {} as RequestServices }),
      );
      expect(response.body.kind === 'single' && response.body.singleResult.errors).toBeFalsy();
      const after = resolvers(schema);
      const wrapped = [...before].filter(([field, resolve]) => after.get(field) !== resolve).map(([field]) => field);
      expect(wrapped).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
