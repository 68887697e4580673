import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { SearchPeopleDocument } from '../operations';
import { sourceName } from './names';

/** People by a part of their email address, 20 at a time (the kit's pagination policy merges the pages). */
export function PeopleSearch({ selected, onSelect }: { selected: string | null; onSelect: (id: string) => void }) {
  const [text, setText] = useState('');
  const [emailContains, setEmailContains] = useState<string | undefined>(undefined);
  const { data, loading, error, fetchMore } = useQuery(SearchPeopleDocument, { variables: { emailContains } });
  const search = (event: FormEvent) => {
    event.preventDefault();
    setEmailContains(text.trim() === '' ? undefined : text.trim());
  };
  const page = data?.users;
  return (
    <section className="search">
      <form onSubmit={search} role="search">
        <input
          name="search"
          aria-label="Search people by email"
          placeholder="Search by email address"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      {error && <p className="error">{error.message}</p>}
      {page && (
        <p className="count">
          {page.totalCount} {page.totalCount === 1 ? 'person' : 'people'}
        </p>
      )}
      <ul className="people">
        {page?.edges.map(({ node }) => (
          <li key={node.id}>
            <button
              type="button"
              className={node.id === selected ? 'person selected' : 'person'}
              onClick={() => onSelect(node.id)}
            >
              <span className="name">{node.displayName ?? node.email ?? node.id}</span>
              <span className="email">{node.email}</span>
              <span className="where">
                {node.identities.map((identity) => sourceName(identity.source)).join(' · ')}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {page?.pageInfo.hasNextPage && (
        <button
          type="button"
          disabled={loading}
          onClick={() => void fetchMore({ variables: { after: page.pageInfo.endCursor } })}
        >
          More
        </button>
      )}
    </section>
  );
}
