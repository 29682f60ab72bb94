/**
 * The codec server's one page, at /codec/: staff sign in here, and it says
 * how to point the Temporal UI at this server. Plain HTML, no script.
 */
export interface PageState {
  /** Where the UI's codec endpoint must point. */
  endpoint: string;
  /** The path the server's routes are under, for the forms. */
  basePath: string;
  uiOrigins: string[];
  signedIn?: { email: string; roles: string[]; until: Date };
  /** A sentence about the last attempt, shown above the form. */
  message?: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

export function codecPage(state: PageState): string {
  const endpoint = escapeHtml(state.endpoint);
  const ui = state.uiOrigins.map((origin) => `<a href="${escapeHtml(origin)}">${escapeHtml(origin)}</a>`).join(' or ');
  const signedIn = state.signedIn
    ? `<p class="ok" role="status">Signed in as <strong>${escapeHtml(state.signedIn.email)}</strong> (${escapeHtml(state.signedIn.roles.join(', '))}) until
        <time datetime="${state.signedIn.until.toISOString()}">${state.signedIn.until.toISOString().slice(11, 16)} UTC</time>.
        The Temporal UI shows payloads decoded until then; sign in again after.</p>
      <form method="post" action="${escapeHtml(state.basePath)}/session/logout"><button type="submit">Sign out</button></form>`
    : `<form method="post" action="${escapeHtml(state.basePath)}/session">
        <p><label for="email">E-mail</label><input id="email" name="email" type="email" autocomplete="username" required></p>
        <p><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></p>
        <button type="submit">Sign in</button>
      </form>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Temporal payloads: staff sign-in</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
  label { display: block; font-weight: 600; }
  input { font: inherit; padding: .4rem; width: 100%; max-width: 24rem; }
  button { font: inherit; padding: .4rem 1.2rem; }
  code { background: #f0f0f0; padding: 0 .2rem; }
  .ok { border-left: 4px solid #1a7f37; padding-left: .8rem; }
  .message { border-left: 4px solid #b3261e; padding-left: .8rem; }
</style>
</head>
<body>
<main>
<h1>Temporal payloads</h1>
<p>Checkouts are stored in Temporal encrypted. Support and admin staff who sign in here see them decoded in the Temporal UI (${ui}); nobody else does.</p>
${state.message ? `<p class="message" role="alert">${escapeHtml(state.message)}</p>` : ''}
${signedIn}
<h2>Once per browser: point the Temporal UI here</h2>
<ol>
  <li>In the Temporal UI, open <em>Codec Server</em> (the data encoder button in the navigation).</li>
  <li>Choose <em>Use my browser setting and ignore Cluster-level setting</em>.</li>
  <li>Endpoint: <code>${endpoint}</code></li>
  <li>Tick <em>Include cross-origin credentials</em> (so the UI sends this sign-in), and <em>Apply</em>.</li>
</ol>
<p>From the command line: <code>temporal workflow show --codec-endpoint ${endpoint} --codec-auth "Bearer &lt;access token&gt;" -w &lt;workflow id&gt;</code></p>
</main>
</body>
</html>
`;
}
