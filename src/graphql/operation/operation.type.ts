import { Field, ID, ObjectType } from 'type-graphql';
import type { OperationState, Settler } from '../../store';
import { SourceResult } from '../mutation/source-result.type';
import { UserError } from '../mutation/user-error.type';
import { OperationActor } from './operation-actor.type';
import { OperationSettlerEnum } from './operation-settler.enum';
import { OperationStateEnum } from './operation-state.enum';
import { OperationStep } from './operation-step.type';

@ObjectType({
  description:
    'One mutation in the audit trail: who asked, from where, what it changed, and where it landed. Never a secret value.',
})
export class Operation {
  @Field(() => ID, { description: "The journal's id of the operation." })
  id!: string;

  @Field({ description: 'The mutation (`createUser`, `deleteUser`, …).' })
  mutation!: string;

  @Field(() => OperationStateEnum, { description: 'How it ended, or that it is still running.' })
  state!: OperationState;

  @Field(() => OperationSettlerEnum, {
    nullable: true,
    description:
      'Who brought it to its end: its request, or the gateway settling it after an interruption; null while it is not ended.',
  })
  settledBy!: Settler | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'The gateway user it is about; null for a create that wrote no vendor. The user may have been deleted since.',
  })
  userId!: string | null;

  @Field(() => OperationActor, {
    nullable: true,
    description: 'Who asked; null when it ran outside an authenticated request.',
  })
  actor!: OperationActor | null;

  @Field(() => String, { nullable: true, description: 'The address the request came from, as the gateway saw it.' })
  clientAddress!: string | null;

  @Field(() => String, { nullable: true, description: 'The id of the request that asked, as its log lines carry it.' })
  requestId!: string | null;

  @Field(() => String, { nullable: true, description: 'The idempotency key it was sent with, if any.' })
  idempotencyKey!: string | null;

  @Field(() => [String], {
    description: 'The input fields it was given, by name (`email`, `permissions.api`, `password`); never their values.',
  })
  fieldsChanged!: string[];

  @Field(() => [SourceResult], {
    nullable: true,
    description: 'What it answered per vendor; null while it runs or after it was interrupted (see `steps`).',
  })
  results!: SourceResult[] | null;

  @Field(() => [UserError], {
    nullable: true,
    description: 'The problems it answered; null while it runs or after it was interrupted.',
  })
  userErrors!: UserError[] | null;

  @Field(() => [OperationStep], { description: 'Every vendor call it made, in the order they started.' })
  steps!: OperationStep[];

  @Field(() => Date, { description: 'When it was asked for.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When it last changed state.' })
  updatedAt!: Date;
}
