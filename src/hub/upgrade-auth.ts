import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The token in `Authorization: Bearer <token>`, or undefined.
 *
 * @example bearerToken({ authorization: 'Bearer kor_abc' }); // 'kor_abc'
 */
export function bearerToken(headers: IncomingMessage['headers']): string | undefined {
  const value = headers.authorization;
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(value);
  return match?.[1];
}

/**
 * Answers an upgrade request with a plain HTTP error and closes the socket, so the WebSocket is
 * never opened (the ws README's "client authentication" pattern).
 *
 * @example refuseUpgrade(socket, 401, 'runner token missing or revoked');
 */
export function refuseUpgrade(socket: Duplex, status: 401 | 404 | 503, message: string): void {
  const reason = { 401: 'Unauthorized', 404: 'Not Found', 503: 'Service Unavailable' }[status];
  const body = `${message}\n`;
  const headers = [
    `HTTP/1.1 ${status} ${reason}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  if (status === 401) headers.push('WWW-Authenticate: Bearer realm="ko-runner"');
  socket.once('finish', () => socket.destroy());
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}
