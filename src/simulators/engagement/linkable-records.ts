import type { EngagementSimulator } from '.';

/**
 * Every member the simulator holds, as the identity linker takes them: by email, with the mobile
 * number in E.164 (the store keeps digits only) and the values the listing does not show.
 */
export function linkableRecords(simulator: EngagementSimulator) {
  return simulator.store.all().map((member) => ({
    externalId: member.id,
    email: member.email,
    phone: member.mobileNumber === null ? null : `+${member.mobileNumber}`,
    values: { active: member.active, voiceSubscription: member.voiceSubscription },
  }));
}
