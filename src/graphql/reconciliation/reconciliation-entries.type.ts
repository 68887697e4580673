import { Field, ID, ObjectType } from 'type-graphql';
import type { Source } from '../../domain/types';
import type { Ambiguity } from '../../sync/identity-linker';
import type { DriftField } from '../../sync/reconciliation';
import { SourceEnum } from '../common/enums';
import { AmbiguityReasonEnum, DriftFieldEnum } from './reconciliation-enums';

@ObjectType({ description: 'A person with records at some vendors and none at this one.' })
export class MissingRecord {
  /** Resolved into `user`. */
  userId!: string;

  @Field(() => SourceEnum, { description: 'The vendor without a record of this person.' })
  source!: Source;
}

@ObjectType({ description: "One vendor record's value of a compared field." })
export class SourceValue {
  @Field(() => SourceEnum, { description: 'The vendor holding the record.' })
  source!: Source;

  @Field(() => ID, { description: "The vendor's id of the record." })
  externalId!: string;

  @Field({ description: 'The value as the vendor holds it (`true`/`false` for active).' })
  value!: string;
}

@ObjectType({ description: "A field on which a person's vendor records disagree." })
export class FieldDrift {
  /** Resolved into `user`. */
  userId!: string;

  @Field(() => DriftFieldEnum, { description: 'The field that disagrees.' })
  field!: DriftField;

  @Field(() => [SourceValue], {
    description: 'Every linked record holding the field, with its value, in source order.',
  })
  values!: SourceValue[];
}

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
}
