import type { RepoState } from "./archive-view.js";
import type { ViewerSession } from "./viewer-session.js";

export interface Viewer {
  session: ViewerSession;
  /** Whether the session changed and must be written back. */
  dirty: boolean;
}

/** The repository of a /reports/:owner/:repo request, as requireRepoAccess() let it through. */
export interface RepoAccess {
  repository: string;
  state: RepoState;
  canSeePrivate: boolean;
  viewer: Viewer;
}

export interface PagesEnv {
  Variables: { access: RepoAccess };
}

export const loginOf = (a: RepoAccess): { login?: string } =>
  a.viewer.session.login ? { login: a.viewer.session.login } : {};

/** Whether responses about this repository may only be cached privately. */
export const isPrivate = (a: RepoAccess): boolean => a.state.private || a.canSeePrivate;
