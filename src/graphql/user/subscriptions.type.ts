import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Engagement Services channel subscriptions.' })
export class Subscriptions {
  @Field({ description: 'Subscribed to email messages.' })
  email!: boolean;

  @Field({ description: 'Subscribed to SMS messages.' })
  sms!: boolean;

  @Field({
    description:
      'Subscribed to voice messages. Engagement does not return this flag on reads: it is the last value the gateway wrote or imported, false when it never saw one.',
  })
  voice!: boolean;
}
