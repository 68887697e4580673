import { Field, InputType } from 'type-graphql';
import type { AccessLevel, InjectionPermission } from '../../domain/types';
import { AccessLevelEnum } from '../user/access-level.enum';
import { InjectionPermissionEnum } from '../user/injection-permission.enum';
import { MailClassInput } from './mail-class.input';

@InputType({ description: 'GreenArrow permissions. On create, omitted levels default to NONE (least privilege).' })
export class PermissionsInput {
  @Field(() => InjectionPermissionEnum, { nullable: true, description: 'How the user may inject mail.' })
  injection?: InjectionPermission | null;

  @Field(() => AccessLevelEnum, { nullable: true, description: 'Access to the GreenArrow API.' })
  api?: AccessLevel | null;

  @Field(() => AccessLevelEnum, { nullable: true, description: 'Access to the GreenArrow web UI.' })
  ui?: AccessLevel | null;

  @Field(() => Boolean, { nullable: true, description: 'Disable the GreenArrow user.' })
  disabled?: boolean | null;

  @Field(() => MailClassInput, { nullable: true, description: 'Force a mail class; null clears it.' })
  mailClass?: MailClassInput | null;
}
