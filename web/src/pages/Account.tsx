import { useState, type FormEvent } from 'react';
import { Field, Notice } from '../components';
import { messageOf, ShopError, type FieldErrors } from '../problems';
import { Link, navigate, useLocation, usePageTitle } from '../router';
import { useSession } from '../session';

/** Only a path inside the shop: a `next` pointing elsewhere would make the login page an open redirect. */
function nextPath(query: URLSearchParams): string {
  const next = query.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage() {
  usePageTitle('Log in');
  const { logIn } = useSession();
  const { query } = useLocation();
  const [form, setForm] = useState({ email: '', password: '' });
  const [state, setState] = useState<{ busy?: boolean; error?: string }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState({ busy: true });
    try {
      await logIn(form.email.trim(), form.password);
      navigate(nextPath(query), { replace: true });
    } catch (error) {
      setState({ error: messageOf(error) });
    }
  };

  return (
    <div className="narrow-page">
      <h1 tabIndex={-1}>Log in</h1>
      {state.error && <Notice kind="error">{state.error}</Notice>}
      <form onSubmit={(event) => void submit(event)} className="stack">
        <Field label="E-mail" type="email" autoComplete="email" value={form.email} onChange={(event) => setForm({ ...form, email: event.target.value })} required />
        <Field label="Password" type="password" autoComplete="current-password" value={form.password} onChange={(event) => setForm({ ...form, password: event.target.value })} required />
        <button type="submit" disabled={state.busy}>
          {state.busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p>
        New here? <Link to={`/signup${window.location.search}`}>Create an account</Link>
      </p>
    </div>
  );
}

export function SignupPage() {
  usePageTitle('Create an account');
  const { signUp } = useSession();
  const { query } = useLocation();
  const [form, setForm] = useState({ name: '', email: '', password: '', phone: '' });
  const [state, setState] = useState<{ busy?: boolean; error?: string; fields?: FieldErrors }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const fields: FieldErrors = {};
    if (!form.name.trim()) fields.name = 'Enter your name.';
    if (!form.email.trim()) fields.email = 'Enter your e-mail address.';
    if ([...form.password].length < 10) fields.password = 'Use at least 10 characters.';
    if (form.phone.trim() && !/^\+[1-9][0-9]{6,14}$/.test(form.phone.trim())) fields.phone = 'Use the international format, like +441234567890.';
    if (Object.keys(fields).length > 0) {
      setState({ fields, error: 'Please correct the highlighted fields.' });
      return;
    }
    setState({ busy: true });
    try {
      await signUp({ name: form.name.trim(), email: form.email.trim(), password: form.password, ...(form.phone.trim() ? { phone: form.phone.trim() } : {}) });
      navigate(nextPath(query), { replace: true });
    } catch (error) {
      setState({ error: messageOf(error), fields: error instanceof ShopError ? error.fields : {} });
    }
  };

  const fields = state.fields ?? {};
  return (
    <div className="narrow-page">
      <h1 tabIndex={-1}>Create an account</h1>
      {state.error && <Notice kind="error">{state.error}</Notice>}
      <form onSubmit={(event) => void submit(event)} className="stack" noValidate>
        <Field label="Name" autoComplete="name" value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} error={fields.name} required maxLength={200} />
        <Field label="E-mail" type="email" autoComplete="email" value={form.email} onChange={(event) => setForm({ ...form, email: event.target.value })} error={fields.email} required />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters."
          value={form.password}
          onChange={(event) => setForm({ ...form, password: event.target.value })}
          error={fields.password}
          required
        />
        <Field
          label="Mobile phone (optional)"
          type="tel"
          autoComplete="tel"
          hint="For order updates by SMS, in international format: +441234567890."
          value={form.phone}
          onChange={(event) => setForm({ ...form, phone: event.target.value })}
          error={fields.phone}
        />
        <button type="submit" disabled={state.busy}>
          {state.busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={`/login${window.location.search}`}>Log in</Link>
      </p>
    </div>
  );
}
