import { Field, Int, ObjectType } from 'type-graphql';
import type { Source } from '../domain/types';
import { SourceEnum } from './enums';

@ObjectType({ description: 'The last failure the gateway saw from a vendor.' })
export class SourceError {
  @Field({ description: 'Stable error code, e.g. VENDOR_TIMEOUT.' })
  code!: string;

  @Field({ description: 'What happened, in the vendor’s words where it gave any.' })
  message!: string;

  @Field(() => Date, { description: 'When it happened.' })
  at!: Date;
}

@ObjectType({ description: 'Health of one vendor as this gateway instance sees it.' })
export class SourceStatus {
  @Field(() => SourceEnum, { description: 'The vendor.' })
  source!: Source;

  @Field({ description: 'Whether the gateway has a base URL and credentials for it.' })
  configured!: boolean;

  @Field({ description: 'Whether the vendor answered HTTP just now (any status counts: it is reachable).' })
  reachable!: boolean;

  @Field(() => Int, { nullable: true, description: 'Latency of the last completed vendor call, in milliseconds.' })
  latencyMs!: number | null;

  @Field(() => SourceError, { nullable: true, description: 'The last failure, if any since startup.' })
  lastError!: SourceError | null;

  @Field(() => Date, { nullable: true, description: 'When the vendor last answered without a server error.' })
  lastSuccessAt!: Date | null;
}
