import type { ConsoleOutcomeFragment } from '../gql/graphql';
import { sourceName } from './names';

const STATUS: Record<ConsoleOutcomeFragment['results'][number]['status'], string> = {
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  SKIPPED: 'skipped',
  ROLLED_BACK: 'rolled back',
};

/** What a mutation did at each vendor, and the problems it reported: the gateway answers 200 even when a vendor failed. */
export function SourceResults({ outcome, title }: { outcome: ConsoleOutcomeFragment; title: string }) {
  const general = outcome.userErrors.filter((problem) => problem.field === null || problem.field.length === 0);
  return (
    <section className="outcome" aria-label={title}>
      <h3>{title}</h3>
      {outcome.results.length > 0 && (
        <ul className="results">
          {outcome.results.map((result) => (
            <li
              key={result.source}
              className={`result result-${result.status.toLowerCase()}`}
              data-source={result.source}
            >
              <strong>{sourceName(result.source)}</strong>: {STATUS[result.status]}
              {result.error && <span className="detail"> ({result.error.message})</span>}
              {result.retryable && <span className="detail"> · may be retried</span>}
            </li>
          ))}
        </ul>
      )}
      {general.map((problem) => (
        <p key={`${problem.code}:${problem.message}`} className="error" role="alert">
          {problem.message}
        </p>
      ))}
      {outcome.results.length === 0 && <p className="detail">Nothing was written at any vendor.</p>}
      {outcome.replayed && (
        <p className="detail">This is the recorded answer of an earlier request with the same key.</p>
      )}
    </section>
  );
}
