/**
 * A tiny HTTP server on 127.0.0.1 for transport and client tests: each request is handed to a
 * handler (after its body is read), counted, and its concurrency observed.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** `n` is 1 for the first request the server sees. */
export type Handler = (req: SeenRequest, res: ServerResponse, n: number) => void | Promise<void>;

export class Loopback {
  readonly requests: SeenRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly server: Server,
    public handler: Handler,
  ) {}

  static async start(handler: Handler = (_req, res) => json(res, 200, {})): Promise<Loopback> {
    const loopback: Loopback = new Loopback(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const seen: SeenRequest = {
            method: req.method ?? '',
            url: req.url ?? '',
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          };
          loopback.requests.push(seen);
          loopback.inFlight++;
          loopback.maxInFlight = Math.max(loopback.maxInFlight, loopback.inFlight);
          res.on('close', () => loopback.inFlight--);
          void loopback.handler(seen, res, loopback.requests.length);
        });
      }),
      handler,
    );
    loopback.server.on('connection', (socket: Socket) => {
      loopback.#sockets.add(socket);
      socket.on('close', () => loopback.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => loopback.server.listen(0, '127.0.0.1', resolve));
    return loopback;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(path: string): URL {
    return new URL(path, this.origin);
  }

  /** Connections currently open on the server side. */
  get openSockets(): number {
    return this.#sockets.size;
  }

  /** Resolves once every connection the server has is closed (by the client, since we never close them). */
  async socketsClosed(): Promise<void> {
    await Promise.all([...this.#sockets].map((s) => new Promise((resolve) => s.once('close', resolve))));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** An unused port: listen, note the port, close. Connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
