import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import type { ConsoleOutcomeFragment, CreateUserInput } from '../gql/graphql';
import { CreatePersonDocument } from '../operations';
import { SourceResults } from './SourceResults';

type Problem = ConsoleOutcomeFragment['userErrors'][number];

/** The form's fields, by the name of CreateUserInput's field each fills. */
const FIELDS = [
  ['email', 'Email', 'email'],
  ['username', 'Username', 'text'],
  ['firstName', 'First name', 'text'],
  ['lastName', 'Last name', 'text'],
  ['phone', 'Mobile (+1…)', 'tel'],
  ['country', 'Country', 'text'],
  ['state', 'State', 'text'],
  ['accountId', 'Account id', 'text'],
  ['password', 'Password', 'password'],
] as const;

type FieldName = (typeof FIELDS)[number][0];

/** The input field a problem is about (`["input", "username"]` is the username field), or null for the form as a whole. */
function fieldOf(problem: Problem): FieldName | null {
  const [root, name] = problem.field ?? [];
  return root === 'input' && FIELDS.some(([field]) => field === name) ? (name as FieldName) : null;
}

/**
 * A new person at every vendor at once. The gateway checks everything first and answers problems in
 * userErrors, each with the input field it is about (its message names the vendor): shown at that field.
 */
export function CreatePerson({ onCreated }: { onCreated: (id: string) => void }) {
  const [values, setValues] = useState<Record<FieldName, string>>({
    email: '',
    username: '',
    firstName: '',
    lastName: '',
    phone: '',
    country: 'USA',
    state: 'California',
    accountId: '1',
    password: '',
  });
  const [create, { data, loading, error }] = useMutation(CreatePersonDocument);
  const outcome = data?.createUser;
  const problems = outcome?.userErrors ?? [];
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input: CreateUserInput = {};
    for (const [name] of FIELDS) if (values[name].trim() !== '') input[name] = values[name].trim();
    const answer = await create({ variables: { input } });
    const created = answer.data?.createUser.user;
    if (created && answer.data?.createUser.userErrors.length === 0) onCreated(created.id);
  };
  return (
    <section className="create" aria-label="New person">
      <h2>New person</h2>
      <form onSubmit={(event) => void submit(event)} noValidate>
        {FIELDS.map(([name, label, type]) => {
          const here = problems.filter((problem) => fieldOf(problem) === name);
          return (
            <label key={name} className={here.length > 0 ? 'field invalid' : 'field'}>
              {label}
              <input
                name={name}
                type={type}
                value={values[name]}
                aria-invalid={here.length > 0}
                aria-describedby={here.length > 0 ? `${name}-problem` : undefined}
                onChange={(event) => setValues({ ...values, [name]: event.target.value })}
              />
              {here.length > 0 && (
                <span id={`${name}-problem`} className="field-error" role="alert">
                  {here.map((problem) => problem.message).join('; ')}
                </span>
              )}
            </label>
          );
        })}
        <button type="submit" disabled={loading}>
          Create at every vendor
        </button>
      </form>
      {error && <p className="error">{error.message}</p>}
      {outcome && (
        <SourceResults
          outcome={{ ...outcome, userErrors: outcome.userErrors.filter((problem) => fieldOf(problem) === null) }}
          title="What each vendor did"
        />
      )}
    </section>
  );
}
