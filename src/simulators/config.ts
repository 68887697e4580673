import { z } from 'zod';
import { readVendorTunings } from '../vendors/registry';
import { SOURCES, type Source } from '../domain/types';
import { ConfigError, EnvReader, type Env } from '../platform/env';
import type { VendorTunings } from '../vendors/registry';
import { faultSchema, type Fault } from './kit/framework';
import { simulatorModule } from './registry';
import { MAX_POPULATION, SEED_PEOPLE_COUNT } from './kit/seed';

/** How the simulators run: what the demo entry and `npm run simulators` read from the environment. */
export interface SimulatorConfig {
  /** `SIMULATORS`: `auto` simulates every vendor without a base URL (the demo entry); `none` never simulates. */
  mode: 'auto' | 'none';
  /** `SIM_HOST`: the interface the simulators bind to (loopback by default). */
  host: string;
  /** `SIM_<VENDOR>_PORT`: 0 for any free port. */
  ports: Record<Source, number>;
  /** `SIM_SEED`: whether a simulator without a state file starts with the sample population. */
  seed: boolean;
  /** `SIM_POPULATION`: how many people that population has (the 36 of the sample by default; more are generated). */
  population: number;
  /** `SIM_FAULTS`: faults per vendor and route, e.g. `{"GREENARROW": {"getUser": {"latencyMs": 50}}}`. */
  faults: Partial<Record<Source, Record<string, Fault>>>;
  /** `DATA_DIR`: the simulators keep their records in `<DATA_DIR>/simulators/`; `:memory:` keeps nothing. */
  dataDir: string;
  /**
   * The vendors' settings a simulator must share with the gateway (the RainMaker signature scope,
   * the user-management key header and path prefix, GreenArrow's page size, the tenant rules), read
   * with the gateway's own function from the same variables.
   */
  vendors: VendorTunings;
}

const faultsSchema = z.partialRecord(z.enum(SOURCES), z.record(z.string(), faultSchema));
const FAULTS_EXAMPLE = '{"GREENARROW": {"getUser": {"latencyMs": 50}}}';

/** Builds the simulators' configuration from the environment; throws ConfigError naming every bad variable. */
export function loadSimulatorConfig(env: Env = process.env): SimulatorConfig {
  const read = new EnvReader(env);
  const ports = Object.fromEntries(
    SOURCES.map((source) => [source, read.int(`SIM_${source}_PORT`, simulatorModule(source).defaultPort, 0, 65_535)]),
  ) as Record<Source, number>;
  const config: SimulatorConfig = {
    mode: read.oneOf('SIMULATORS', 'auto', ['auto', 'none'] as const),
    host: read.string('SIM_HOST', '127.0.0.1'),
    ports,
    seed: read.boolean('SIM_SEED', true),
    population: read.int('SIM_POPULATION', SEED_PEOPLE_COUNT, 0, MAX_POPULATION),
    faults: readFaults(read),
    dataDir: read.string('DATA_DIR', 'data'),
    vendors: readVendorTunings(read),
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

function readFaults(read: EnvReader): SimulatorConfig['faults'] {
  const text = read.raw('SIM_FAULTS');
  if (text === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    read.problems.push(`SIM_FAULTS: expected JSON such as ${FAULTS_EXAMPLE}`);
    return {};
  }
  const parsed = faultsSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  read.problems.push(
    `SIM_FAULTS: ${issue.message} at ${issue.path.join('.') || 'top level'}; expected ${FAULTS_EXAMPLE}`,
  );
  return {};
}
