import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Source } from '../../domain/types';
import type { ListedBy } from '../../sync/reconciliation';
import { SourceEnum } from '../source/source.enum';
import { ListedByEnum } from './listed-by.enum';

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
