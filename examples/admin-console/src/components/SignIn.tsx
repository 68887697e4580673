import { useState, type FormEvent } from 'react';

/** Where the console sends GraphQL and the token it sends. */
export interface Session {
  gatewayUrl: string;
  token: string;
}

/**
 * The gateway's URL (by default /graphql on this origin, which `npm run dev` forwards to `npm start`)
 * and a token: the demo logs an admin and a viewer token at every start. The token is kept in memory
 * only, so it does not outlive the tab.
 */
export function SignIn({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [gatewayUrl, setGatewayUrl] = useState('/graphql');
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim().replace(/^Bearer\s+/i, '');
    if (trimmed !== '') onSignIn({ gatewayUrl: gatewayUrl.trim(), token: trimmed });
  };
  return (
    <main className="signin">
      <h1>usergraph admin console</h1>
      <form onSubmit={submit}>
        <label>
          Gateway URL
          <input name="gatewayUrl" value={gatewayUrl} onChange={(event) => setGatewayUrl(event.target.value)} />
        </label>
        <label>
          Token
          <textarea
            name="token"
            rows={4}
            value={token}
            placeholder="A token from the gateway: npm start logs an admin and a viewer token"
            onChange={(event) => setToken(event.target.value)}
          />
        </label>
        <button type="submit" disabled={token.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}
