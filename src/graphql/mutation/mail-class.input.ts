import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'A GreenArrow mail class, by id or by name; both together must name the same class.' })
export class MailClassInput {
  @Field(() => ID, { nullable: true, description: "GreenArrow's id of the mail class." })
  id?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact name of the mail class.' })
  name?: string | null;
}
