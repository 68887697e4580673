import { ApolloProvider, useQuery } from '@apollo/client/react';
import { CombinedGraphQLErrors } from '@apollo/client';
import { useMemo, useState } from 'react';
import { createClient } from './client';
import type { ConsoleOutcomeFragment } from './gql/graphql';
import { SourceResults } from './components/SourceResults';
import { AccessDocument } from './operations';
import { SignIn, type Session } from './components/SignIn';
import { SourcesBar } from './components/SourcesBar';
import { PeopleSearch } from './components/PeopleSearch';
import { PersonDetail } from './components/PersonDetail';
import { CreatePerson } from './components/CreatePerson';
import { ReconciliationReport } from './components/ReconciliationReport';

/** What the main pane shows. */
type View =
  | { kind: 'person'; id: string }
  | { kind: 'deleted'; name: string; outcome: ConsoleOutcomeFragment }
  | { kind: 'create' }
  | { kind: 'reconciliation' }
  | { kind: 'none' };

export type Role = 'admin' | 'viewer';

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const client = useMemo(() => (session ? createClient(session.gatewayUrl, session.token) : null), [session]);
  if (!session || !client) return <SignIn onSignIn={setSession} />;
  return (
    <ApolloProvider client={client}>
      <Console session={session} onSignOut={() => setSession(null)} />
    </ApolloProvider>
  );
}

function Console({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const [view, setView] = useState<View>({ kind: 'none' });
  const access = useQuery(AccessDocument, { errorPolicy: 'all' });
  if (access.loading) return <p className="loading">Signing in…</p>;
  const forbidden =
    CombinedGraphQLErrors.is(access.error) &&
    access.error.errors.some((error) => error.extensions?.['code'] === 'FORBIDDEN');
  if (access.error && !forbidden)
    return (
      <main className="signin">
        <p className="error" role="alert">
          The gateway refused this token: {access.error.message}
        </p>
        <button type="button" onClick={onSignOut}>
          Sign in again
        </button>
      </main>
    );
  const role: Role = forbidden ? 'viewer' : 'admin';
  return (
    <div className="console">
      <header className="topbar">
        <h1>usergraph admin console</h1>
        <span className={`role role-${role}`} data-testid="role">
          {role === 'admin' ? 'Admin: may change people' : 'Viewer: read only'}
        </span>
        <span className="gateway">{session.gatewayUrl}</span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <SourcesBar />
      <div className="panes">
        <aside className="sidebar">
          {role === 'admin' && (
            <div className="actions">
              <button type="button" onClick={() => setView({ kind: 'create' })}>
                New person
              </button>
              <button type="button" onClick={() => setView({ kind: 'reconciliation' })}>
                Reconciliation report
              </button>
            </div>
          )}
          <PeopleSearch
            selected={view.kind === 'person' ? view.id : null}
            onSelect={(id) => setView({ kind: 'person', id })}
          />
        </aside>
        <main className="main">
          {view.kind === 'person' && (
            <PersonDetail
              key={view.id}
              id={view.id}
              role={role}
              onDeleted={(name, outcome) => setView({ kind: 'deleted', name, outcome })}
            />
          )}
          {view.kind === 'deleted' && <SourceResults outcome={view.outcome} title={`Deleted ${view.name}`} />}
          {view.kind === 'create' && <CreatePerson onCreated={(id) => setView({ kind: 'person', id })} />}
          {view.kind === 'reconciliation' && (
            <ReconciliationReport onSelect={(id) => setView({ kind: 'person', id })} />
          )}
          {view.kind === 'none' && <p className="hint">Search for a person by email address, then pick them.</p>}
        </main>
      </div>
    </div>
  );
}
