import { Field, ID, ObjectType } from 'type-graphql';
import type { Source } from '../../domain/types';
import type { Ambiguity } from '../../sync/identity-linker';
import { SourceEnum } from '../source/source.enum';
import { User } from '../user/user.type';
import { AmbiguityReasonEnum } from './ambiguity-reason.enum';

@ObjectType({ description: 'A vendor record the sync did not link, because linking it would have meant guessing.' })
export class AmbiguousRecord {
  @Field(() => SourceEnum, { description: 'The vendor holding the record.' })
  source!: Source;

  @Field(() => ID, { description: "The vendor's id of the record." })
  externalId!: string;

  @Field(() => String, { nullable: true, description: 'The email address the record holds (lower-cased).' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'The mobile number the record holds (digits).' })
  phone!: string | null;

  @Field(() => AmbiguityReasonEnum, { description: 'Why linking it would have meant guessing.' })
  reason!: Ambiguity['reason'];

  @Field(() => String, { nullable: true, description: 'MANY_PEOPLE: what matched them, `email` or `phone`.' })
  matchedBy!: 'email' | 'phone' | null;

  /** Resolved into `candidates`. */
  userIds!: string[];

  @Field(() => [ID], { description: "SHARED_PERSON: the vendor's other records of that person." })
  otherRecords!: string[];

  @Field(() => [User], { description: 'The people it could be.' })
  candidates?: User[];
}
