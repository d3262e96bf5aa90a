import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { FaultInjector } from './fault-injector.ts';
import type { DeliveryState, SandboxState } from './state.ts';
import { nextId } from './state.ts';
import { signPayload } from './webhook-signature.ts';

/** Where webhooks go; without a url nothing is sent or recorded. */
interface WebhookTarget {
  url: string | undefined;
  secret: string;
}

/** GitHub waits 10 s for a webhook answer, then records a timeout. */
const DELIVERY_TIMEOUT_MS = 10_000;
const HOOK_ID = 1;

/**
 * Sends webhooks one at a time, in the order they happened, signs each body, and records every
 * delivery (for `GET /app/hook/deliveries`). Faults can drop a delivery (recorded as failed,
 * so it can be redelivered) or send it twice with the same GUID.
 *
 * @example
 * sender.send('pull_request', 'opened', payload);
 * await sender.idle();
 */
export class WebhookSender extends EventEmitter<{ delivery: [DeliveryState] }> {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: SandboxState,
    private readonly target: WebhookTarget,
    private readonly faults: FaultInjector,
    private readonly log?: Logger,
  ) {
    super();
  }

  setTarget(url: string | undefined, secret?: string): void {
    this.target.url = url;
    if (secret !== undefined) this.target.secret = secret;
  }

  /** Queue one event; `payload` is already complete (repository, sender, installation). */
  send(event: string, payload: Record<string, unknown>): void {
    if (!this.target.url) return;
    const body = JSON.stringify(payload);
    const guid = randomUUID();
    const action = typeof payload.action === 'string' ? payload.action : null;
    const installation = payload.installation as { id?: number } | undefined;
    const repository = payload.repository as { id?: number } | undefined;
    const meta = {
      event,
      action,
      guid,
      installationId: installation?.id ?? null,
      repositoryId: repository?.id ?? null,
    };
    const fault = this.faults.takeDeliveryFault();
    this.enqueue(() => this.deliver(meta, body, false, fault === 'drop'));
    if (fault === 'duplicate') this.enqueue(() => this.deliver(meta, body, false, false));
  }

  /** Send a recorded delivery again with the same GUID and body; the new record has `redelivery: true`. */
  redeliver(deliveryId: number): DeliveryState | undefined {
    const original = this.state.deliveries.find((d) => d.id === deliveryId);
    if (!original) return undefined;
    const meta = {
      event: original.event,
      action: original.action,
      guid: original.guid,
      installationId: original.installationId,
      repositoryId: original.repositoryId,
    };
    this.enqueue(() => this.deliver(meta, original.body, true, false));
    return original;
  }

  /** Resolves once every queued delivery has been attempted. */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.chain) {
      seen = this.chain;
      await seen;
    }
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain
      .then(job)
      .catch((error: unknown) =>
        this.log?.error({ err: error }, 'sandbox webhook delivery crashed'),
      );
  }

  private async deliver(
    meta: {
      event: string;
      action: string | null;
      guid: string;
      installationId: number | null;
      repositoryId: number | null;
    },
    body: string,
    redelivery: boolean,
    drop: boolean,
  ): Promise<void> {
    const requestHeaders: Record<string, string> = {
      accept: '*/*',
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/sandbox',
      'x-github-delivery': meta.guid,
      'x-github-event': meta.event,
      'x-github-hook-id': String(HOOK_ID),
      'x-github-hook-installation-target-id': String(this.state.app.id),
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature': signPayload(this.target.secret, body, 'sha1'),
      'x-hub-signature-256': signPayload(this.target.secret, body),
    };
    const started = Date.now();
    let status = 'OK';
    let statusCode = 0;
    let responseHeaders: Record<string, string> = {};
    let responseBody: string | null = null;
    if (drop) {
      status = "Couldn't connect to server";
    } else {
      try {
        const res = await fetch(this.target.url as string, {
          method: 'POST',
          headers: requestHeaders,
          body,
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        });
        statusCode = res.status;
        responseHeaders = Object.fromEntries(res.headers.entries());
        responseBody = await res.text();
        status = res.ok ? 'OK' : `Invalid HTTP Response: ${res.status}`;
      } catch (error) {
        status =
          error instanceof Error && error.name === 'TimeoutError'
            ? 'Timed out'
            : "Couldn't connect to server";
        this.log?.warn({ err: error, guid: meta.guid }, 'sandbox webhook delivery failed');
      }
    }
    const delivery: DeliveryState = {
      id: nextId(this.state),
      guid: meta.guid,
      deliveredAt: new Date(started).toISOString(),
      redelivery,
      duration: (Date.now() - started) / 1000,
      status,
      statusCode,
      event: meta.event,
      action: meta.action,
      installationId: meta.installationId,
      repositoryId: meta.repositoryId,
      body,
      requestHeaders,
      responseHeaders,
      responseBody,
    };
    this.state.deliveries.push(delivery);
    this.emit('delivery', delivery);
  }
}
