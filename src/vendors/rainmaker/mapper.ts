import type { VendorAck } from '../../domain/types';
import {
  normalizeUserName,
  type AckResponse,
  type CreateUserRequest,
  type DeleteUserRequest,
  type UpdatePasswordRequest,
} from './contract';
import type { RainMakerCreateInput } from './types';

/** Longest vendor description kept in an error; the vendor's own text is short. */
const MAX_VENDOR_MESSAGE_LENGTH = 300;

/** The create body; the locale travels in the query, see {@link toLocaleQuery}. */
export function toCreateUserRequest(input: RainMakerCreateInput): CreateUserRequest {
  return { user_name: input.userName, password: input.password };
}

/**
 * The `locale` query value: lower-cased, as the vendor documents; undefined (parameter omitted)
 * when absent or empty, so the vendor applies the admin's default.
 */
export function toLocaleQuery(locale: string | undefined): string | undefined {
  return locale === undefined || locale === '' ? undefined : locale.toLowerCase();
}

export function toUpdatePasswordRequest(userName: string, password: string): UpdatePasswordRequest {
  return { user_name: userName, password };
}

export function toDeleteUserRequest(userName: string): DeleteUserRequest {
  return { user_name: userName };
}

/** RainMaker has no ids: a user is known by its user name, compared as the vendor compares it. */
export function toExternalId(userName: string): string {
  return normalizeUserName(userName);
}

export function fromAckResponse(response: AckResponse): VendorAck {
  return { message: response.description };
}

/**
 * The part of a failure description that may travel in an error and a log. A signature mismatch
 * answers, like AWS, with the canonical request, which includes the signed session token; only the
 * first line survives, and of an authorization failure only its first sentence.
 */
export function toVendorMessage(description: string, authorization: boolean): string {
  let message = (description.split(/\r?\n/, 1)[0] ?? '').trim();
  if (authorization) {
    const sentence = /^.*?[.!?](?=\s|$)/.exec(message);
    if (sentence) message = sentence[0];
  }
  return message.length > MAX_VENDOR_MESSAGE_LENGTH ? `${message.slice(0, MAX_VENDOR_MESSAGE_LENGTH)}…` : message;
}
