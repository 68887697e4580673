import { Field, InputType } from 'type-graphql';
import type { Source } from '../../domain/types';
import { SourceEnum } from '../source/source.enum';

@InputType({ description: 'Narrows `users`; every given condition must hold.' })
export class UserFilter {
  @Field(() => String, { nullable: true, description: 'Only users whose email contains this text (case-insensitive).' })
  emailContains?: string | null;

  @Field(() => SourceEnum, { nullable: true, description: 'Only users linked to a record in this vendor.' })
  source?: Source | null;
}
