import { Field, ID, ObjectType } from 'type-graphql';
import type { Source } from '../../domain/types';
import type { IdentityStatus } from '../../store';
import { SourceEnum } from '../source/source.enum';
import { IdentityStatusEnum } from './identity-status.enum';

@ObjectType({ description: 'One vendor record of a user: where this person exists.' })
export class Identity {
  @Field(() => SourceEnum, { description: 'The vendor holding the record.' })
  source!: Source;

  @Field(() => ID, { description: "The vendor's own id for the record (RainMaker: the user name)." })
  externalId!: string;

  @Field(() => IdentityStatusEnum, { description: 'State of the link.' })
  status!: IdentityStatus;

  @Field(() => Date, { description: 'When the gateway first linked this record to the user.' })
  linkedAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      "When the gateway last read or wrote the vendor's values for this record; null if never. A vendor that can only be listed (Engagement) is read from the gateway's mirror of it, so its fields are as of this time (the sync and the mirror's refresher renew it).",
  })
  syncedAt!: Date | null;
}
