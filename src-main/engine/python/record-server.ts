import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseRecord } from '../records';
import { eachLine } from '../lines';
import { privateTempDir, removeTempDir } from '../temp';

/** One traced process's connection. */
export interface Connection {
  readonly id: number;
}

/** Where every traced process sends its records: one connection per process, so lines never interleave. */
export interface RecordServer {
  /** A Unix socket path (a named pipe on Windows), handed to the tracer in KITCHEN_TRACE_SOCKET. */
  readonly address: string;
  /** How many connections are open. */
  open(): number;
  close(): Promise<void>;
}

/** Longest record line taken; the tracer keeps its lines far shorter. */
const MAX_RECORD_CHARS = 16 * 1024;

/**
 * Listens where only this user can connect (a socket in a private 0700
 * temporary folder, or a named pipe with a random name) and hands every
 * line of every connection to `onRecord`, parsed but not yet validated.
 */
export async function startRecordServer(
  onRecord: (record: unknown, connection: Connection) => void,
  onClose: (connection: Connection) => void,
): Promise<RecordServer> {
  const dir = process.platform === 'win32' ? null : privateTempDir('run');
  const address = dir ? join(dir, 'trace.sock') : `\\\\.\\pipe\\kitchen-${randomBytes(12).toString('hex')}`;
  const sockets = new Set<Socket>();
  let next = 0;
  const server = createServer((socket) => {
    const connection: Connection = { id: next++ };
    sockets.add(socket);
    void eachLine(socket, (line) => onRecord(parseRecord(line), connection), MAX_RECORD_CHARS).then(() => {
      sockets.delete(socket);
      onClose(connection);
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => resolve());
  });
  return {
    address,
    open: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (dir) removeTempDir(dir);
    },
  };
}
