import { ProbotOctokit } from 'probot';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../../src/sandbox/index.ts';

/** One webhook as the receiver got it. */
export interface ReceivedHook {
  event: string;
  delivery: string;
  hookId: string;
  userAgent: string;
  signatureValid: boolean;
  body: string;
  payload: Record<string, unknown>;
}

/** A local HTTP server that records webhooks and checks their signatures; `status` sets its answer. */
export interface HookReceiver {
  url: string;
  received: ReceivedHook[];
  status: number;
  close(): Promise<void>;
  waitFor(predicate: (h: ReceivedHook) => boolean, timeoutMs?: number): Promise<ReceivedHook>;
}

export async function startReceiver(secret: string): Promise<HookReceiver> {
  const received: ReceivedHook[] = [];
  const waiters: { predicate: (h: ReceivedHook) => boolean; resolve: (h: ReceivedHook) => void }[] =
    [];
  const receiver: HookReceiver = {
    url: '',
    received,
    status: 200,
    close: () => new Promise((resolve) => server.close(() => resolve())),
    waitFor: (predicate, timeoutMs = 10_000) => {
      const done = received.find(predicate);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('webhook not received in time')),
          timeoutMs,
        );
        waiters.push({ predicate, resolve: (h) => (clearTimeout(timer), resolve(h)) });
      });
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const hook: ReceivedHook = {
        event: String(req.headers['x-github-event']),
        delivery: String(req.headers['x-github-delivery']),
        hookId: String(req.headers['x-github-hook-id']),
        userAgent: String(req.headers['user-agent']),
        signatureValid: verifySignature(secret, body, String(req.headers['x-hub-signature-256'])),
        body,
        payload: JSON.parse(body) as Record<string, unknown>,
      };
      received.push(hook);
      for (const w of waiters.filter((x) => x.predicate(hook))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hook);
      }
      res.writeHead(receiver.status, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  return receiver;
}

/** A fresh RSA key pair in PEM, as a GitHub App's private key would be. */
export function generateAppKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
}

/** `{ action }` of a received hook, for short predicates. */
export function actionOf(h: ReceivedHook): unknown {
  return h.payload.action;
}

/** Probot's Octokit for an installation of the stand-in (app auth, token fetched on demand). */
export function installationOctokit(
  sandbox: {
    apiUrl: string;
    appId: number;
    privateKeyPem: string;
    installationId(owner: string): number;
  },
  owner: string,
  extra: Record<string, unknown> = {},
): InstanceType<typeof ProbotOctokit> {
  return new ProbotOctokit({
    auth: {
      appId: sandbox.appId,
      privateKey: sandbox.privateKeyPem,
      installationId: sandbox.installationId(owner),
    },
    baseUrl: sandbox.apiUrl,
    ...extra,
  });
}

/** Probot's Octokit authenticated as the app itself (JWT). */
export function appOctokit(
  sandbox: { apiUrl: string; appId: number; privateKeyPem: string },
  extra: Record<string, unknown> = {},
): InstanceType<typeof ProbotOctokit> {
  return new ProbotOctokit({
    auth: { appId: sandbox.appId, privateKey: sandbox.privateKeyPem },
    baseUrl: sandbox.apiUrl,
    ...extra,
  });
}

/** A raw API answer. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read fields ad hoc
}

/** A raw REST call against the stand-in, for status codes and headers Octokit would turn into throws. */
export async function rawApi(
  apiUrl: string,
  auth: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<RawAnswer> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (auth) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
}
