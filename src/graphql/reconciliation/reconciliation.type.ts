import { Field, Int, ObjectType } from 'type-graphql';
import { AmbiguousRecord } from './ambiguous-record.type';
import { FieldDrift } from './field-drift.type';
import { MissingRecord } from './missing-record.type';
import { ReconciliationSource } from './reconciliation-source.type';

@ObjectType({
  description:
    'The reconciliation report: people missing at a vendor, fields that disagree between vendors, records not linked. Admins only.',
})
export class Reconciliation {
  @Field(() => Date, { description: 'When the report was made (from the database; no vendor is asked).' })
  generatedAt!: Date;

  @Field(() => [ReconciliationSource], {
    description: 'Each configured vendor: how it is read, and when it last was completely.',
  })
  sources!: ReconciliationSource[];

  @Field(() => Int, { description: 'How many (person, vendor) pairs are missing in all.' })
  missingCount!: number;

  @Field(() => [MissingRecord], { description: 'The first `first` of them, by person then vendor.' })
  missing!: MissingRecord[];

  @Field(() => Int, { description: 'How many (person, field) pairs disagree in all.' })
  driftCount!: number;

  @Field(() => [FieldDrift], { description: 'The first `first` of them, by person.' })
  drift!: FieldDrift[];

  @Field(() => Int, { description: 'How many records were left unlinked in all.' })
  ambiguousCount!: number;

  @Field(() => [AmbiguousRecord], { description: 'The first `first` of them, by vendor and id.' })
  ambiguous!: AmbiguousRecord[];
}
