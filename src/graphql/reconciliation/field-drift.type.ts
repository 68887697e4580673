import { Field, ObjectType } from 'type-graphql';
import type { DriftField } from '../../sync/reconciliation';
import { User } from '../user/user.type';
import { DriftFieldEnum } from './drift-field.enum';
import { SourceValue } from './source-value.type';

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

  @Field(() => User, {
    nullable: true,
    description: 'The person whose records disagree (null when deleted since).',
  })
  user?: User | null;
}
