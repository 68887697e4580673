import { useQuery } from '@apollo/client/react';
import { ReconciliationDocument } from '../operations';
import { sourceName } from './names';

/** What the last sync and the mirror saw disagreeing between the vendors (admins only; no vendor is called). */
export function ReconciliationReport({ onSelect }: { onSelect: (id: string) => void }) {
  const { data, loading, error } = useQuery(ReconciliationDocument, { fetchPolicy: 'network-only' });
  if (loading) return <p className="loading">Loading…</p>;
  if (error) return <p className="error">{error.message}</p>;
  const report = data!.reconciliation;
  return (
    <section className="reconciliation" aria-label="Reconciliation report">
      <h2>Reconciliation report</h2>
      <p className="detail">As of {new Date(report.generatedAt).toLocaleString()}</p>
      <table>
        <thead>
          <tr>
            <th>Vendor</th>
            <th>Records</th>
            <th>Compared</th>
            <th>Last complete sync</th>
          </tr>
        </thead>
        <tbody>
          {report.sources.map((source) => (
            <tr key={source.source}>
              <td>{sourceName(source.source)}</td>
              <td>{source.records}</td>
              <td>{source.compared ? 'yes' : 'no'}</td>
              <td>{source.lastCompleteSyncAt ? new Date(source.lastCompleteSyncAt).toLocaleString() : 'never'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Missing at a vendor ({report.missingCount})</h3>
      <ul>
        {report.missing.map((entry, index) => (
          <li key={`${entry.source}-${entry.user?.id ?? index}`}>
            {entry.user ? (
              <button type="button" className="link" onClick={() => onSelect(entry.user!.id)}>
                {entry.user.displayName ?? entry.user.email}
              </button>
            ) : (
              'A person no longer known'
            )}{' '}
            has no record at {sourceName(entry.source)}
          </li>
        ))}
      </ul>
      <h3>Fields that disagree ({report.driftCount})</h3>
      <ul>
        {report.drift.map((entry, index) => (
          <li key={`${entry.field}-${entry.user?.id ?? index}`}>
            {entry.user?.email ?? 'Someone'}: {entry.field.toLowerCase()}{' '}
            {entry.values.map((value) => `${sourceName(value.source)} "${value.value}"`).join(', ')}
          </li>
        ))}
      </ul>
      <h3>Records not linked ({report.ambiguousCount})</h3>
      <ul>
        {report.ambiguous.map((entry) => (
          <li key={`${entry.source}-${entry.externalId}`}>
            {sourceName(entry.source)} record {entry.externalId} ({entry.email ?? 'no email'}):{' '}
            {entry.reason.toLowerCase().replaceAll('_', ' ')}
          </li>
        ))}
      </ul>
    </section>
  );
}
