import type { SandboxState } from './state.ts';

/** A webhook to send: the event name and its payload (repository, sender, installation added by the builder). */
export interface OutgoingEvent {
  name: string;
  payload: Record<string, unknown>;
}

/** The parts of a running stand-in that route handlers and actions share. */
export interface SandboxContext {
  state: SandboxState;
  /** `http://127.0.0.1:<port>`: the web root (html_url values) */
  webUrl: string;
  /** `http://127.0.0.1:<port>/api/v3`: what Octokit uses as baseUrl */
  apiUrl: string;
  now(): string;
  /** queue a webhook for delivery (in order) */
  emit(event: OutgoingEvent): void;
  /** called after a PR is opened or its head moved, so the CI can start */
  onPullHeadChanged(repoFullName: string, headSha: string, headRef: string): void;
  /** send a recorded delivery again (same GUID); `false` when the id is unknown */
  redeliver(deliveryId: number): boolean;
}

/** Who is calling, per request: the actor login and the installation the token belongs to. */
export interface RequestContext {
  sb: SandboxContext;
  actor: string;
  installationId: number | null;
}
