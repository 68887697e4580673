/** The gateway's own types for RainMaker's users, as its client takes and returns them; only this folder uses them. */

/** RainMaker identifies a user by its user name: an email address or an E.164 phone number. */
export interface RainMakerCreateInput {
  userName: string;
  password: string;
  locale?: string;
}
