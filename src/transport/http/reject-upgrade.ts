import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Refuses an upgrade with a plain HTTP response: once Node hands over an upgrade socket, nobody
 * else will answer it. The socket is destroyed after the response is flushed.
 */
export function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  // A client that already half-closed cannot be answered, and 'finish' would never come.
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ].join('\r\n');
  socket.once('finish', () => socket.destroy());
  socket.end(`${head}\r\n\r\n${body}`);
}
