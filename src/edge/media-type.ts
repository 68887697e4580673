/**
 * Which media type an answer of the gateway's own (a refusal before GraphQL runs: 401, 403, 413,
 * 429, 503 ...) is sent as, from the request's Accept header, chosen the way Apollo Server chooses
 * for the answers it writes: `application/graphql-response+json` when the client prefers it (as
 * Apollo Client and urql do), `application/json` otherwise. Clients read the body of a non-2xx answer
 * only in the first type: Apollo Client reports "Received status code 401" for a JSON one and hides
 * the gateway's message.
 */

/** The GraphQL over HTTP media type, whose non-2xx answers still carry a GraphQL response. */
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';
/** Plain JSON, for clients that ask for nothing else (curl, older clients, no Accept header). */
export const JSON_UTF8 = 'application/json; charset=utf-8';

/** The two types, in Apollo Server's order: on a tie the first wins. */
const OFFERED = [
  { type: 'application', subtype: 'json', answer: JSON_UTF8 },
  { type: 'application', subtype: 'graphql-response+json', answer: GRAPHQL_RESPONSE_JSON },
] as const;

/** One range of an Accept header, with its quality and its place in the header. */
interface AcceptedRange {
  type: string;
  subtype: string;
  q: number;
  order: number;
}

function acceptedRanges(accept: string): AcceptedRange[] {
  const ranges: AcceptedRange[] = [];
  accept.split(',').forEach((part, order) => {
    const [range, ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const match = /^([a-z0-9!#$%&'*+.^_`|~-]+)\/([a-z0-9!#$%&'*+.^_`|~-]+)$/.exec(range ?? '');
    if (!match) return;
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    const q = quality === undefined ? 1 : Number(quality.slice(2));
    ranges.push({ type: match[1], subtype: match[2], q: Number.isFinite(q) ? q : 0, order });
  });
  return ranges;
}

/**
 * The content type for an error answer to a request with this Accept header, as the `negotiator`
 * package Apollo Server uses decides: each offered type is rated by the most specific range that
 * names it (the exact type before its `application/` wildcard before the match-all range), a quality of 0 refusing
 * it; the best rated wins (by quality, then specificity, then the range's place in the header, then
 * the order above); `application/json` when the client accepts neither.
 */
export function errorContentType(accept: string | undefined): string {
  if (accept === undefined || accept.trim() === '') return JSON_UTF8;
  const ranges = acceptedRanges(accept);
  const rated = OFFERED.map((offered, index) => {
    let rating: { q: number; specificity: number; order: number } | undefined;
    for (const range of ranges) {
      const specificity =
        range.type === offered.type && range.subtype === offered.subtype
          ? 2
          : range.type === offered.type && range.subtype === '*'
            ? 1
            : range.type === '*' && range.subtype === '*'
              ? 0
              : -1;
      if (specificity < 0) continue;
      if (
        rating === undefined ||
        specificity > rating.specificity ||
        (specificity === rating.specificity && range.q > rating.q)
      )
        rating = { q: range.q, specificity, order: range.order };
    }
    return rating === undefined || rating.q <= 0 ? undefined : { ...rating, index, answer: offered.answer };
  }).filter((rating) => rating !== undefined);
  rated.sort((a, b) => b.q - a.q || b.specificity - a.specificity || a.order - b.order || a.index - b.index);
  return rated[0]?.answer ?? JSON_UTF8;
}
