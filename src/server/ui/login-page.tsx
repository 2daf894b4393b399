// The login form: the API token in, a session cookie out (see session.ts).
import type { FC } from 'hono/jsx';
import { Layout } from './layout.js';

export const LoginPage: FC<{ next: string; error?: string }> = ({ next, error }) => (
  <Layout title="Log in" signedIn={false}>
    {error ? (
      <p class="error" role="alert" id="login-error">
        {error}
      </p>
    ) : null}
    <form class="login" method="post" action="/ui/login">
      <input type="hidden" name="next" value={next} />
      <label for="token">
        API token
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus aria-describedby={error ? 'login-error' : undefined} />
      </label>
      <p>
        <button type="submit">Log in</button>
      </p>
    </form>
  </Layout>
);
