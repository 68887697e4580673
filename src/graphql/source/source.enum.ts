import { registerEnumType } from 'type-graphql';
import { SOURCES, type Source } from '../../domain/types';
import { VENDOR_MODULES } from '../../vendors/registry';

/**
 * The vendor each record, result and status names. It lives with the source feature (the vendors
 * as GraphQL shows them), which depends on no other feature, so every feature can use it.
 * Its values are the domain's own, so they flow through without mapping.
 */
export const SourceEnum = Object.fromEntries(SOURCES.map((source) => [source, source])) as { [K in Source]: K };
registerEnumType(SourceEnum, {
  name: 'Source',
  description: 'A vendor system the gateway federates.',
  // The values are SOURCES, each described by its vendor's module, so a new vendor leaves this file as it is.
  valuesConfig: Object.fromEntries(
    SOURCES.map((source) => [source, { description: VENDOR_MODULES[source].description }]),
  ),
});
