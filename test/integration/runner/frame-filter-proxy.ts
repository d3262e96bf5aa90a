// A ko-v1 man in the middle for runner tests: a real ws server that forwards every frame between
// a runner and the hub (the runner's token goes through in the upgrade header), records them,
// and drops the frames a test tells it to (an ack lost on the way, a result that never arrives)
// or rewrites a frame's body on the way to the runner (an older hub's welcome).
import { createServer, type Server } from 'node:http';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export interface ProxiedFrame {
  direction: 'to-hub' | 'to-runner';
  type: string;
  body: Record<string, unknown>;
  dropped: boolean;
}

export interface FrameFilterProxy {
  /** The ws URL runners dial instead of the hub's. */
  url: string;
  frames: ProxiedFrame[];
  /** Decides per frame; true drops it. Replaceable while running. */
  drop: (frame: Omit<ProxiedFrame, 'dropped'>) => boolean;
  /** Rewrites the body of a frame going to the runner (identity by default). */
  rewriteToRunner: (type: string, body: Record<string, unknown>) => Record<string, unknown>;
  close: () => Promise<void>;
}

function parse(data: RawData): { type: string; body: Record<string, unknown> } {
  const frame = JSON.parse(String(data)) as { type?: string; body?: Record<string, unknown> };
  return { type: frame.type ?? '?', body: frame.body ?? {} };
}

export async function startFrameFilterProxy(hubUrl: string): Promise<FrameFilterProxy> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server });
  const proxy = {
    frames: [] as ProxiedFrame[],
    drop: (() => false) as FrameFilterProxy['drop'],
    rewriteToRunner: ((_type, body) => body) as FrameFilterProxy['rewriteToRunner'],
  };
  const pass = (data: RawData, direction: ProxiedFrame['direction'], target: WebSocket): void => {
    let text = String(data);
    const frame = { direction, ...parse(data) };
    if (direction === 'to-runner') {
      const body = proxy.rewriteToRunner(frame.type, frame.body);
      if (body !== frame.body) {
        frame.body = body;
        text = JSON.stringify({ ...(JSON.parse(text) as object), body });
      }
    }
    const dropped = proxy.drop(frame);
    proxy.frames.push({ ...frame, dropped });
    if (!dropped && target.readyState === WebSocket.OPEN) target.send(text);
  };
  wss.on('connection', (runnerSide, req) => {
    const pending: RawData[] = [];
    const hubSide = new WebSocket(hubUrl, {
      headers: { authorization: req.headers.authorization ?? '' },
      perMessageDeflate: false,
    });
    hubSide.on('open', () => {
      for (const data of pending.splice(0)) pass(data, 'to-hub', hubSide);
    });
    runnerSide.on('message', (data) => {
      if (hubSide.readyState === WebSocket.OPEN) pass(data, 'to-hub', hubSide);
      else pending.push(data);
    });
    hubSide.on('message', (data) => pass(data, 'to-runner', runnerSide));
    hubSide.on('close', () => runnerSide.terminate());
    hubSide.on('error', () => runnerSide.terminate());
    runnerSide.on('close', () => hubSide.terminate());
    runnerSide.on('error', () => hubSide.terminate());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return Object.assign(proxy, {
    url: `ws://127.0.0.1:${port}/ko/v1/runners`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
