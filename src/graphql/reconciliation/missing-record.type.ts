import { Field, ObjectType } from 'type-graphql';
import type { Source } from '../../domain/types';
import { SourceEnum } from '../source/source.enum';
import { User } from '../user/user.type';

@ObjectType({ description: 'A person with records at some vendors and none at this one.' })
export class MissingRecord {
  /** Resolved into `user`. */
  userId!: string;

  @Field(() => SourceEnum, { description: 'The vendor without a record of this person.' })
  source!: Source;

  @Field(() => User, { nullable: true, description: 'The person (null when deleted since).' })
  user?: User | null;
}
