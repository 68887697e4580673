import { Field, ObjectType } from 'type-graphql';
import type { AccessLevel, InjectionPermission } from '../../domain/types';
import { AccessLevelEnum } from './access-level.enum';
import { InjectionPermissionEnum } from './injection-permission.enum';
import { MailClass } from './mail-class.type';

@ObjectType({ description: "A user's GreenArrow Engine permissions." })
export class Permissions {
  @Field(() => InjectionPermissionEnum, { description: 'How the user may inject mail.' })
  injection!: InjectionPermission;

  @Field(() => AccessLevelEnum, { description: 'Access to the GreenArrow API.' })
  api!: AccessLevel;

  @Field(() => AccessLevelEnum, { description: 'Access to the GreenArrow web UI.' })
  ui!: AccessLevel;

  @Field({ description: 'Whether the GreenArrow user is disabled.' })
  disabled!: boolean;

  @Field(() => MailClass, { nullable: true, description: 'The mail class the user is forced to use, if any.' })
  mailClass!: MailClass | null;
}
