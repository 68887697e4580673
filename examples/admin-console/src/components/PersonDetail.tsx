import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import type { Role } from '../App';
import type { ConsoleOutcomeFragment, PersonQuery } from '../gql/graphql';
import { DeletePersonDocument, PersonDocument } from '../operations';
import { sourceName } from './names';
import { PermissionsEditor } from './PermissionsEditor';
import { SourceResults } from './SourceResults';

type Person = NonNullable<PersonQuery['user']>;

/** Called once a person is gone from every vendor, with their name and what each vendor did. */
export type OnDeleted = (name: string, outcome: ConsoleOutcomeFragment) => void;

/** One person across the four vendors: profile, where they exist, GreenArrow permissions; admins may edit and delete. */
export function PersonDetail({ id, role, onDeleted }: { id: string; role: Role; onDeleted: OnDeleted }) {
  const { data, loading, error } = useQuery(PersonDocument, { variables: { id }, errorPolicy: 'all' });
  if (loading) return <p className="loading">Loading…</p>;
  const person = data?.user;
  if (!person) return <p className="error">{error ? error.message : 'No such person.'}</p>;
  return (
    <article className="person-detail" aria-label={person.displayName ?? person.email ?? person.id}>
      <h2>{person.displayName ?? person.email}</h2>
      {error && <p className="error">Some vendors could not be read: {error.message}</p>}
      <Profile person={person} />
      <Identities person={person} />
      <PermissionsEditor person={person} canEdit={role === 'admin'} />
      {role === 'admin' && <DeletePerson person={person} onDeleted={onDeleted} />}
    </article>
  );
}

function Profile({ person }: { person: Person }) {
  const rows: [string, string | null | undefined][] = [
    ['Email', person.email],
    ['Username', person.username],
    ['Name', [person.firstName, person.lastName].filter(Boolean).join(' ') || null],
    ['Phone', person.phone],
    ['Country', [person.country, person.state].filter(Boolean).join(', ') || null],
    ['Locale', person.locale],
    ['Account', person.account?.id],
    ['Active', person.active ? 'yes' : 'no'],
    [
      'Subscriptions',
      person.subscriptions
        ? (['email', 'sms', 'voice'] as const).filter((channel) => person.subscriptions![channel]).join(', ') || 'none'
        : null,
    ],
  ];
  return (
    <dl className="profile">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

function Identities({ person }: { person: Person }) {
  return (
    <section aria-label="Identities">
      <h3>
        Where {person.displayName ?? 'this person'} exists ({person.identities.length} vendors)
      </h3>
      <table className="identities">
        <thead>
          <tr>
            <th>Vendor</th>
            <th>Record</th>
            <th>Status</th>
            <th>Linked</th>
            <th>Last synced</th>
          </tr>
        </thead>
        <tbody>
          {person.identities.map((identity) => (
            <tr key={identity.source} data-source={identity.source}>
              <td>{sourceName(identity.source)}</td>
              <td>{identity.externalId}</td>
              <td>{identity.status.toLowerCase()}</td>
              <td>{new Date(identity.linkedAt).toLocaleString()}</td>
              <td>{identity.syncedAt ? new Date(identity.syncedAt).toLocaleString() : 'read live'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * Delete at every vendor, after a confirmation that names the person. Once the answer's
 * deletedUserId says they are gone, the console shows what each vendor did and evicts that user
 * from the cache (every list and page that showed them drops them); a partial deletion stays here.
 */
function DeletePerson({ person, onDeleted }: { person: Person; onDeleted: OnDeleted }) {
  const client = useApolloClient();
  const [confirming, setConfirming] = useState(false);
  const [remove, { data, loading, error }] = useMutation(DeletePersonDocument);
  const name = person.displayName ?? person.email ?? person.id;
  const confirm = async () => {
    const answer = await remove({ variables: { input: { id: person.id } } });
    const outcome = answer.data?.deleteUser;
    if (!outcome?.deletedUserId) return;
    onDeleted(name, outcome);
    client.cache.evict({ id: client.cache.identify({ __typename: 'User', id: outcome.deletedUserId }) });
    client.cache.gc();
  };
  const outcome = data?.deleteUser;
  return (
    <section className="danger">
      {!confirming ? (
        <button type="button" className="delete" onClick={() => setConfirming(true)}>
          Delete person
        </button>
      ) : (
        <div role="alertdialog" aria-label="Confirm deletion" className="confirm">
          <p>
            Delete <strong>{name}</strong> at every vendor where they exist? This cannot be undone.
          </p>
          <button type="button" className="delete" disabled={loading} onClick={() => void confirm()}>
            Yes, delete {name}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {error && <p className="error">{error.message}</p>}
      {outcome && !outcome.deletedUserId && <SourceResults outcome={outcome} title="Deletion" />}
    </section>
  );
}
