import type { FC } from "hono/jsx";
import { Layout } from "./layout.js";

/**
 * The same page for an unknown repository or run and for one the viewer may not see, so the
 * answer never tells whether a private repository exists.
 */
export const NotFoundPage: FC<{ signInUrl?: string; login?: string; expired?: boolean }> = (p) => (
  <Layout title={p.expired ? "Link expired" : "Not found"} {...(p.login ? { login: p.login } : {})}>
    <h1>{p.expired ? "Link expired" : "Not found"}</h1>
    <section class="card">
      <p>
        {p.expired
          ? "This link has expired. Open the report again from the check run or comment for a fresh link."
          : "There is no report at this address, or you are not allowed to see it."}
      </p>
      <p class="muted">
        Reports of private repositories open through the signed link in a check run or pull request
        comment
        {p.signInUrl
          ? ", or after signing in with a GitHub account that has access to the repository"
          : ""}
        .
      </p>
      {p.signInUrl ? (
        <p>
          <a href={p.signInUrl}>Sign in with GitHub</a>
        </p>
      ) : null}
    </section>
  </Layout>
);

export const ErrorPage: FC<{ message: string }> = (p) => (
  <Layout title="Error">
    <h1>Something went wrong</h1>
    <section class="card">
      <p>{p.message}</p>
    </section>
  </Layout>
);
