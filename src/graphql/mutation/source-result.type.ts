import { Field, ID, ObjectType } from 'type-graphql';
import type { ResultStatus } from '../../domain/commands';
import type { Source } from '../../domain/types';
import { SourceEnum } from '../source/source.enum';
import { SourceResultStatusEnum } from './source-result-status.enum';
import { UserError } from './user-error.type';

@ObjectType({ description: 'What one mutation did at one vendor.' })
export class SourceResult {
  @Field(() => SourceEnum, { description: 'The vendor.' })
  source!: Source;

  @Field(() => SourceResultStatusEnum, { description: 'The outcome.' })
  status!: ResultStatus;

  @Field(() => ID, { nullable: true, description: "The vendor's id of the record written, when there is one." })
  externalId!: string | null;

  @Field(() => UserError, {
    nullable: true,
    description: 'Why the vendor failed or was skipped, or why a rollback failed.',
  })
  error!: UserError | null;

  @Field({
    description: 'Whether sending the same mutation again (with the same idempotencyKey) may succeed at this vendor.',
  })
  retryable!: boolean;
}
