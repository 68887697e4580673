import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import type { AccessLevel, InjectionPermission, PersonQuery } from '../gql/graphql';
import { SetPermissionsDocument } from '../operations';
import { SourceResults } from './SourceResults';

type Person = NonNullable<PersonQuery['user']>;

const ACCESS_LEVELS: AccessLevel[] = ['FULL', 'READ_ONLY', 'STATS_ONLY', 'NONE'];
const INJECTION: InjectionPermission[] = ['ALL', 'SMTP_ONLY', 'HTTP_ONLY', 'NONE'];

/** GreenArrow's permissions of a person: shown to everyone, changed by admins, with what each vendor did. */
export function PermissionsEditor({ person, canEdit }: { person: Person; canEdit: boolean }) {
  const current = person.permissions;
  const [api, setApi] = useState<AccessLevel>(current?.api ?? 'NONE');
  const [ui, setUi] = useState<AccessLevel>(current?.ui ?? 'NONE');
  const [injection, setInjection] = useState<InjectionPermission>(current?.injection ?? 'NONE');
  const [disabled, setDisabled] = useState(current?.disabled ?? false);
  const [save, { data, loading, error }] = useMutation(SetPermissionsDocument);
  if (!current) return <p className="detail">No GreenArrow permissions: this person has no GreenArrow record.</p>;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save({ variables: { input: { id: person.id, permissions: { api, ui, injection, disabled } } } });
  };
  const select = <T extends string>(label: string, value: T, options: T[], change: (value: T) => void) => (
    <label>
      {label}
      <select value={value} disabled={!canEdit} onChange={(event) => change(event.target.value as T)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {option.replace('_', ' ').toLowerCase()}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section aria-label="Permissions">
      <h3>GreenArrow permissions{current.mailClass ? ` · mail class ${current.mailClass.name}` : ''}</h3>
      <form className="permissions" onSubmit={submit}>
        {select('API', api, ACCESS_LEVELS, setApi)}
        {select('Web UI', ui, ACCESS_LEVELS, setUi)}
        {select('Injection', injection, INJECTION, setInjection)}
        <label className="check">
          <input
            type="checkbox"
            checked={disabled}
            disabled={!canEdit}
            onChange={(event) => setDisabled(event.target.checked)}
          />
          Disabled
        </label>
        {canEdit && (
          <button type="submit" disabled={loading}>
            Save permissions
          </button>
        )}
      </form>
      {error && <p className="error">{error.message}</p>}
      {data && <SourceResults outcome={data.setPermissions} title="Permissions saved: what each vendor did" />}
    </section>
  );
}
