// The operator console: login, then a live three-column workspace. Mounts into #app.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { OperatorSession } from '@misy/sdk';
import { Auth } from './auth';
import { Workspace } from './workspace';
import { CSS } from './styles';

const auth = new Auth();

function Login() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try { await auth.login(email, password); } catch (err) { setError(err instanceof Error ? err.message : 'login failed'); } finally { setBusy(false); }
  }
  return (
    <form class="login" onSubmit={submit}>
      <h1>Misy console</h1>
      <p>Sign in to answer your customers live.</p>
      <label for="email">Email</label>
      <input id="email" type="email" autocomplete="username" value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} required />
      <label for="password">Password</label>
      <input id="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} required />
      <button class="primary" type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      {error && <div class="error" role="alert">{error}</div>}
    </form>
  );
}

function Root() {
  const [session, setSession] = useState<OperatorSession | undefined>(undefined);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    auth.onChange = (s) => setSession(s ? { ...s } : undefined);
    void auth.resume().finally(() => setReady(true));
  }, []);
  if (!ready) return null;
  // The workspace keeps its socket across token refreshes; it remounts only on a new login.
  return session ? <Workspace key={session.operator.id} auth={auth} /> : <Login />;
}

const style = document.createElement('style');
style.textContent = CSS;
document.head.appendChild(style);
let mount = document.getElementById('app');
if (!mount) { mount = document.createElement('div'); document.body.appendChild(mount); }
render(<Root />, mount);
