/**
 * Clients of a live browser-mode server for tests: raw requests and frames no library would send,
 * and sockets that have shown the token.
 */
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../src-main/protocol/commands';
import type { WebServer } from '../../src-main/web/server';

/** A client frame: FIN, the opcode (and any RSV bits in `first`), masked unless told. */
export function frame(payload: Buffer, { first = 0x81, masked = true, length = payload.length } = {}): Buffer {
  const head =
    length < 126
      ? Buffer.from([first, (masked ? 0x80 : 0) | length])
      : Buffer.concat([Buffer.from([first, (masked ? 0x80 : 0) | 127]), bigLength(length)]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([head, mask, body]);
}
function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Ways to talk to one server. */
export function clientsOf(current: () => WebServer) {
  const port = () => current().port;
  const origin = () => `http://127.0.0.1:${port()}`;
  /** A raw request (fetch cannot send a malformed path or set Host): its status. */
  const rawStatus = (path: string, host = `127.0.0.1:${port()}`) =>
    new Promise<number>((ok, fail) => {
      get({ host: '127.0.0.1', port: port(), path, headers: { host } }, (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      }).on('error', fail);
    });

  /** A socket that has shown the token, with every message it receives. */
  async function authed(): Promise<{
    ws: WebSocket;
    messages: ServerMessage[];
    reply: (id: number) => Promise<ServerMessage>;
  }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port()}/ws`, { origin: origin() });
    const messages: ServerMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ auth: current().token }));
    const reply = async (id: number) => {
      while (!messages.some((m) => m.kind === 'reply' && m.id === id)) await new Promise((r) => setTimeout(r, 5));
      return messages.find((m) => m.kind === 'reply' && m.id === id)!;
    };
    return { ws, messages, reply };
  }

  /** How a socket that sends `first` (or nothing) is closed: its close code. */
  const closedWith = (first: string | null) =>
    new Promise<number>((ok) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port()}/ws`, { origin: origin() });
      ws.on('open', () => {
        if (first !== null) ws.send(first);
      });
      ws.on('close', (code) => ok(code));
    });

  /** A WebSocket handshake done by hand, so a test can send frames no client library would. */
  async function rawSocket(): Promise<Socket> {
    const socket = connect(port(), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const key = randomBytes(16).toString('base64');
    socket.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nOrigin: ${origin()}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await new Promise<void>((ok) => {
      let seen = '';
      const onData = (chunk: Buffer) => {
        seen += chunk.toString('latin1');
        if (seen.includes('\r\n\r\n')) {
          socket.off('data', onData);
          ok();
        }
      };
      socket.on('data', onData);
    });
    return socket;
  }

  /** Whether the server answers a new socket that shows the token (it is still alive). */
  async function stillServing(): Promise<void> {
    const { ws, reply } = await authed();
    ws.send(JSON.stringify({ id: 1, command: { type: 'hello' } }));
    expect(await reply(1)).toMatchObject({ ok: true });
    ws.close();
  }
  return { origin, rawStatus, authed, closedWith, rawSocket, stillServing };
}
