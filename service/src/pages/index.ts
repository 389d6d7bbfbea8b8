export { createPagesRoutes, type PagesDeps } from "./create-pages-routes.js";
export { signReportUrl, verifyReportSignature, type LinkCheck } from "./sign-report-url.js";
export {
  loadPagesConfig,
  PagesConfig,
  PagesConfigError,
  type OAuthOptions,
  type PagesSettings,
} from "./pages-config.js";
export { renderMarkdown, escapeHtml } from "./render-markdown.js";
export { GitHubSignInError } from "./github-oauth.js";
export { createLocalPagesApp, type LocalPagesOptions } from "./local-pages-app.js";
export { serveLocalPages, type LocalPagesServer } from "./serve-local-pages.js";
