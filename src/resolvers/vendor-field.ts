import { GraphQLError } from 'graphql';
import { isVendorError } from '../sources/errors';

/**
 * Awaits a vendor-backed value; a VendorError becomes a GraphQL error on this field only, with the
 * stable `code` and the `source` in its extensions. Anything else is left to Apollo's masking.
 */
export async function vendorField<T>(value: Promise<T>): Promise<T> {
  try {
    return await value;
  } catch (error) {
    if (!isVendorError(error)) throw error;
    throw new GraphQLError(error.message, {
      extensions: { code: error.code, source: error.source, retryable: error.retryable },
    });
  }
}

/** Like vendorField, but a failure yields `fallback` instead of an error (for non-null fields). */
export async function vendorValueOr<T, F>(value: Promise<T>, fallback: F): Promise<T | F> {
  try {
    return await value;
  } catch (error) {
    if (isVendorError(error)) return fallback;
    throw error;
  }
}
