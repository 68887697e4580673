import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The last failure the gateway saw from a vendor.' })
export class SourceError {
  @Field({ description: 'Stable error code, e.g. VENDOR_TIMEOUT.' })
  code!: string;

  @Field({ description: 'What happened, in the vendor’s words where it gave any.' })
  message!: string;

  @Field(() => Date, { description: 'When it happened.' })
  at!: Date;
}
