import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A GreenArrow mail class a user can be forced to send with.' })
export class MailClass {
  @Field(() => ID, { description: "GreenArrow's id of the mail class." })
  id!: string;

  @Field({ description: 'Name of the mail class.' })
  name!: string;
}
