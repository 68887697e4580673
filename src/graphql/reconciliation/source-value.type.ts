import { Field, ID, ObjectType } from 'type-graphql';
import type { Source } from '../../domain/types';
import { SourceEnum } from '../source/source.enum';

@ObjectType({ description: "One vendor record's value of a compared field." })
export class SourceValue {
  @Field(() => SourceEnum, { description: 'The vendor holding the record.' })
  source!: Source;

  @Field(() => ID, { description: "The vendor's id of the record." })
  externalId!: string;

  @Field({ description: 'The value as the vendor holds it (`true`/`false` for active).' })
  value!: string;
}
