import { Field, Int, ObjectType } from 'type-graphql';
import type { Source } from '../../domain/types';
import type { CircuitState } from '../../vendors/transport/observer';
import { CircuitStateEnum } from './circuit-state.enum';
import { SourceError } from './source-error.type';
import { SourceEnum } from './source.enum';
import { StoreEngineEnum } from './store-engine.enum';
import type { StoreEngine } from '../../services/source-health';

@ObjectType({ description: 'Health of one vendor as this gateway instance sees it.' })
export class SourceStatus {
  @Field(() => SourceEnum, { description: 'The vendor.' })
  source!: Source;

  @Field({ description: 'Whether the gateway has a base URL and credentials for it.' })
  configured!: boolean;

  @Field({
    description:
      'Whether the vendor answered a probe just now without a server failure (a 5xx or 429 answer, a timeout or a refused connection is not reachable). False, with no probe sent, while its circuit is open or it asked for a pause (Retry-After).',
  })
  reachable!: boolean;

  @Field(() => Int, { nullable: true, description: 'Latency of the last completed vendor call, in milliseconds.' })
  latencyMs!: number | null;

  @Field(() => SourceError, { nullable: true, description: 'The last failure, if any since startup.' })
  lastError!: SourceError | null;

  @Field(() => Date, { nullable: true, description: 'When the vendor last answered without a server error.' })
  lastSuccessAt!: Date | null;

  @Field(() => CircuitStateEnum, {
    nullable: true,
    description: 'The circuit breaker in front of the vendor; null when the vendor is not configured.',
  })
  circuit!: CircuitState | null;

  @Field({
    description:
      "Whether the vendor refuses the gateway's own credentials (it answered 401 or 403): a configuration fault (named so that no output field is called after a credential). Its calls are refused without being sent, and one goes through as a trial every breaker half-open delay, until the vendor accepts them again.",
  })
  authRejected!: boolean;

  @Field(() => StoreEngineEnum, {
    description:
      'The database of the gateway instance that answered (the same for every vendor): with several replicas behind a load balancer, which engine this one uses. All replicas of one deployment should say POSTGRES.',
  })
  storeEngine!: StoreEngine;
}
