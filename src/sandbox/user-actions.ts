import { addLabels, createComment, editComment, removeLabel } from './actions/issues.ts';
import { mergePull, openPull, updatePull, type MergeInput } from './actions/pulls.ts';
import { setRef } from './actions/refs.ts';
import type { SandboxContext } from './context.ts';
import { emitRepoEvent, signatureFor } from './events.ts';
import { buildTree, commitFiles, writeBlob, writeCommit } from './git-objects.ts';
import { notFound } from './http-error.ts';
import { findIssue, findPull, resolveRef } from './repo-query.ts';
import type { IssueState, PullExtra, RepoState } from './state.ts';

/** `files` values: text to write, or `null` to delete the path. */
export type FileChanges = Record<string, string | null>;

type Pull = IssueState & { pull: PullExtra };

/**
 * One person's actions on the stand-in; each sends the webhooks GitHub would.
 *
 * @example sandbox.as('alice').comment('acme/app', 1, '/ko status');
 */
export class UserActions {
  constructor(
    private readonly sb: SandboxContext,
    readonly login: string,
    private readonly repoOf: (fullName: string) => RepoState,
  ) {}

  /** Creates a branch at `from` (default: the default branch's tip). */
  createBranch(fullName: string, branch: string, from?: string): string {
    const repo = this.repoOf(fullName);
    const sha = resolveRef(repo, from ?? repo.defaultBranch);
    if (!sha) throw notFound();
    setRef(this.sb, repo, `refs/heads/${branch}`, sha, this.login, { create: true });
    return sha;
  }

  /** Commits file changes on a branch (created from the default branch if missing); a PR head push sends `synchronize`. */
  pushCommit(
    fullName: string,
    input: { branch: string; files: FileChanges; message?: string },
  ): string {
    const repo = this.repoOf(fullName);
    const ref = `refs/heads/${input.branch}`;
    const parent = repo.refs[ref] ?? repo.refs[`refs/heads/${repo.defaultBranch}`];
    if (!parent) throw notFound();
    const files = commitFiles(repo, parent);
    for (const [path, text] of Object.entries(input.files)) {
      if (text === null) files.delete(path);
      else files.set(path, { mode: '100644', sha: writeBlob(repo, Buffer.from(text)).sha });
    }
    const commit = writeCommit(repo, {
      tree: buildTree(repo, files),
      parents: [parent],
      message: input.message ?? `Update ${Object.keys(input.files).join(', ')}`,
      author: signatureFor(this.sb, this.login),
    });
    setRef(this.sb, repo, ref, commit.sha, this.login, { create: !repo.refs[ref], force: false });
    return commit.sha;
  }

  /** Opens a PR; with `files`, first commits them on `head`. */
  openPullRequest(
    fullName: string,
    input: {
      head: string;
      base?: string;
      title: string;
      body?: string;
      draft?: boolean;
      files?: FileChanges;
    },
  ): Pull {
    const repo = this.repoOf(fullName);
    if (input.files)
      this.pushCommit(fullName, { branch: input.head, files: input.files, message: input.title });
    return openPull(
      this.sb,
      repo,
      {
        head: input.head,
        base: input.base ?? repo.defaultBranch,
        title: input.title,
        body: input.body ?? null,
        draft: input.draft ?? false,
      },
      this.login,
    );
  }

  comment(fullName: string, number: number, body: string): number {
    const repo = this.repoOf(fullName);
    return createComment(this.sb, repo, findIssue(repo, number), body, this.login).id;
  }

  editComment(fullName: string, commentId: number, body: string): void {
    const repo = this.repoOf(fullName);
    const comment = repo.comments[String(commentId)];
    if (!comment) throw notFound();
    editComment(this.sb, repo, comment, body, this.login);
  }

  addLabel(fullName: string, number: number, name: string): void {
    const repo = this.repoOf(fullName);
    addLabels(this.sb, repo, findIssue(repo, number), [name], this.login);
  }

  removeLabel(fullName: string, number: number, name: string): void {
    const repo = this.repoOf(fullName);
    removeLabel(this.sb, repo, findIssue(repo, number), name, this.login);
  }

  editPullRequest(
    fullName: string,
    number: number,
    changes: { title?: string; body?: string; base?: string },
  ): void {
    const repo = this.repoOf(fullName);
    updatePull(this.sb, repo, findPull(repo, number), changes, this.login);
  }

  closePullRequest(fullName: string, number: number): void {
    const repo = this.repoOf(fullName);
    updatePull(this.sb, repo, findPull(repo, number), { state: 'closed' }, this.login);
  }

  reopenPullRequest(fullName: string, number: number): void {
    const repo = this.repoOf(fullName);
    updatePull(this.sb, repo, findPull(repo, number), { state: 'open' }, this.login);
  }

  mergePullRequest(
    fullName: string,
    number: number,
    method: MergeInput['method'] = 'merge',
  ): string {
    const repo = this.repoOf(fullName);
    return mergePull(this.sb, repo, findPull(repo, number), { method }, this.login).sha;
  }

  /** Sends a `push`-less repository event by hand (escape hatch for events the stand-in does not model). */
  sendRaw(fullName: string, event: string, body: Record<string, unknown>): void {
    emitRepoEvent(this.sb, this.repoOf(fullName), event, this.login, body);
  }
}
