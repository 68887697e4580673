import { registerEnumType } from 'type-graphql';
import type { StoreEngine } from '../../services/source-health';

/** The database a gateway instance keeps its links and journal in (src/store/database.ts's `engine`). */
export const StoreEngineEnum: { [K in Uppercase<StoreEngine>]: Lowercase<K> } = {
  SQLITE: 'sqlite',
  POSTGRES: 'postgres',
};
registerEnumType(StoreEngineEnum, {
  name: 'StoreEngine',
  description: 'The database a gateway instance keeps its identity links, mirror and operation journal in.',
  valuesConfig: {
    SQLITE: { description: "The embedded SQLite file (DATA_DIR): this process's own; one gateway process." },
    POSTGRES: { description: 'PostgreSQL (DATABASE_URL): shared by every replica pointed at the same database.' },
  },
});
