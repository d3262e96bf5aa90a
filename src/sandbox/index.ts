/** The GitHub stand-in: start it, drive it, point Probot at it. See docs/sandbox.md. */
export { startGitHubSandbox, GitHubSandbox, type GitHubSandboxOptions } from './start-sandbox.ts';
export type { SeedRepoOptions } from './controls.ts';
export type { FileChanges, UserActions } from './user-actions.ts';
export type { CiConfig, CiCheck, DeliveryState, Permission } from './state.ts';
export { verifySignature } from './webhook-signature.ts';
