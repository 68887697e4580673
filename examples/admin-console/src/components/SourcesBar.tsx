import { useQuery } from '@apollo/client/react';
import { SourcesDocument } from '../operations';
import { sourceName } from './names';

/** How each vendor is doing as the gateway sees it, refreshed every 30 seconds. */
export function SourcesBar() {
  const { data, error } = useQuery(SourcesDocument, { pollInterval: 30_000 });
  if (error) return <p className="error">Sources: {error.message}</p>;
  return (
    <ul className="sources" aria-label="Sources' health">
      {data?.sources.map((status) => {
        const health = !status.configured ? 'off' : status.reachable ? 'up' : 'down';
        return (
          <li key={status.source} className={`source source-${health}`} data-source={status.source}>
            <strong>{sourceName(status.source)}</strong>{' '}
            {health === 'off' ? 'not configured' : health === 'up' ? 'healthy' : 'unreachable'}
            {status.latencyMs !== null && ` · ${status.latencyMs} ms`}
            {status.circuit && status.circuit !== 'CLOSED' && ` · circuit ${status.circuit.toLowerCase()}`}
            {status.lastError && <span className="detail"> · {status.lastError.message}</span>}
          </li>
        );
      })}
    </ul>
  );
}
