import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Source } from '../../domain/types';
import type { ListedBy } from '../../sync/reconciliation';
import { SourceEnum } from '../common/enums';
import { AmbiguousRecord, FieldDrift, MissingRecord } from './reconciliation-entries.type';
import { ListedByEnum } from './reconciliation-enums';

@ObjectType({ description: 'What the reconciliation knows of one vendor: how it is read and how fresh that is.' })
export class ReconciliationSource {
  @Field(() => SourceEnum, { description: 'The vendor.' })
  source!: Source;

  @Field(() => ListedByEnum, { description: 'How the sync reads it.' })
  listedBy!: ListedBy;

  @Field(() => [ID], { description: 'ACCOUNTS: the accounts a sync has read completely.' })
  accounts!: string[];

  @Field(() => Date, {
    nullable: true,
    description: 'When its last complete sync ended (for ACCOUNTS, the oldest account’s); null if never.',
  })
  lastCompleteSyncAt!: Date | null;

  @Field({ description: 'A sync of it was stopped before its end and not yet resumed.' })
  interrupted!: boolean;

  @Field(() => Int, { description: 'Records the gateway keeps of it.' })
  records!: number;

  @Field({
    description:
      'Whether people are judged missing here: only once it was listed completely (a vendor that cannot be listed never is).',
  })
  compared!: boolean;
}

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
