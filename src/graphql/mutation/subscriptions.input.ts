import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Engagement channel subscriptions to set; an omitted channel is false on create.' })
export class SubscriptionsInput {
  @Field(() => Boolean, { nullable: true, description: 'Email messages.' })
  email?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'SMS messages.' })
  sms?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Voice messages.' })
  voice?: boolean | null;
}
