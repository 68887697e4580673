import { Field, InterfaceType } from 'type-graphql';
import { User } from '../user/user.type';
import { SourceResult } from './source-result.type';
import { UserError } from './user-error.type';

/** Every mutation answers the same shape; an interface, so a client can write one fragment for all. */
@InterfaceType({ description: 'What every mutation answers: the user, one result per vendor, and problems.' })
export abstract class MutationPayload {
  @Field(() => User, {
    nullable: true,
    description: 'The user as it is after the mutation; null when it does not exist.',
  })
  user!: User | null;

  @Field(() => [SourceResult], { description: 'One entry per vendor: what happened there.' })
  results!: SourceResult[];

  @Field(() => [UserError], {
    description: 'Problems with the input (nothing was written) or with the operation as a whole.',
  })
  userErrors!: UserError[];

  @Field({ description: 'Whether this is the recorded result of an earlier request with the same idempotencyKey.' })
  replayed!: boolean;
}
