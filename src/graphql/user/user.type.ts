import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { GatewayUser } from '../../services/user-directory';
import { Identity } from './identity.type';
import { Permissions } from './permissions.type';
import { Subscriptions } from './subscriptions.type';

/**
 * One person, linked across the vendors. Its root value is the gateway's own record (GatewayUser,
 * which the class implements); every other field is resolved through the request's directory
 * (user.resolver.ts), so a vendor that fails nulls only its own fields. Those fields are optional
 * here because a root value does not carry them.
 *
 * In a supergraph it is an entity other subgraphs reference by gateway id or by email
 * (user.reference.ts resolves both); the standalone schema ignores the two keys.
 */
@Directive('@key(fields: "id")')
@Directive('@key(fields: "email")')
@ObjectType({ description: 'One person, linked across the vendor systems.' })
export class User implements GatewayUser {
  @Field(() => ID, { description: 'Opaque, stable id issued by the gateway.' })
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Email address (lower-cased); the key that links vendor records of one person.',
  })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Mobile number in E.164 form, from the gateway or Engagement.' })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: 'User-management username.' })
  username?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'User-management contact name; otherwise first and last name from Engagement.',
  })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'First name (Engagement).' })
  firstName?: string | null;

  @Field(() => String, { nullable: true, description: 'Last name (Engagement).' })
  lastName?: string | null;

  @Field(() => String, { nullable: true, description: 'Country (Engagement).' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'State or region (Engagement; mandatory there for the USA).' })
  state?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Preferred locale for RainMaker emails and SMS, lower-cased; null for the admin's default. RainMaker has no read endpoint: this is the last value the gateway wrote or imported.",
  })
  locale?: string | null;

  @Field({
    description:
      'Whether the person is active: the user-management flag, else the Engagement flag, else the last value seen; true when no vendor says otherwise.',
  })
  active?: boolean;

  @Field(() => Date, { nullable: true, description: 'When the person was last active (Engagement).' })
  lastActiveAt?: Date | null;

  @Field(() => Subscriptions, {
    nullable: true,
    description: 'Engagement channel subscriptions; null when the person is not in Engagement.',
  })
  subscriptions?: Subscriptions | null;

  @Field(() => Permissions, {
    nullable: true,
    description: 'GreenArrow permissions; null when the person is not in GreenArrow.',
  })
  permissions?: Permissions | null;

  @Field(() => [Identity], { description: 'Where this person exists: one entry per linked vendor record.' })
  identities?: Identity[];

  /** When the gateway first recorded the person; not in the schema. */
  createdAt!: Date;

  /** When the gateway last changed its record of the person; not in the schema. */
  updatedAt!: Date;
}
