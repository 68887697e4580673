import { Field, ID, ObjectType } from 'type-graphql';
import type { Source } from '../../domain/types';
import type { StepAction, StepState } from '../../store';
import { SourceEnum } from '../source/source.enum';
import { OperationStepActionEnum } from './operation-step-action.enum';
import { OperationStepStateEnum } from './operation-step-state.enum';

@ObjectType({ description: 'One vendor call of a mutation, as the journal recorded it before and after the call.' })
export class OperationStep {
  @Field(() => SourceEnum, { description: 'The vendor called.' })
  source!: Source;

  @Field(() => OperationStepActionEnum, { description: 'What the call did.' })
  action!: StepAction;

  @Field(() => OperationStepStateEnum, { description: 'What it came to.' })
  state!: StepState;

  @Field(() => ID, { nullable: true, description: "The vendor's id of the record, once known." })
  externalId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The stable code of its failure (e.g. VENDOR_TIMEOUT); null unless it failed.',
  })
  errorCode!: string | null;

  @Field(() => Date, { description: 'When the call was sent.' })
  startedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When its answer was recorded; null while none was.' })
  finishedAt!: Date | null;
}
