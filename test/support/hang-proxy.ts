// A TCP proxy in the test process between the service and PostgreSQL that can be made to hang: while hung it
// accepts connections and keeps every socket open but forwards nothing in either direction, like a stalled server,
// a partition or a proxy that stopped forwarding. Bytes that arrive while hung are held back and forwarded in
// order once it resumes, so a timed-out query's late answer really does arrive on its connection.
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

export interface HangProxy {
  /** The upstream URL with host and port replaced by the proxy's. */
  readonly url: string;
  hang(): void;
  resume(): void;
  /** Client connections currently open through the proxy. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startHangProxy(upstreamUrl: string): Promise<HangProxy> {
  const upstream = new URL(upstreamUrl);
  const upstreamPort = Number(upstream.port || 5432);
  let hung = false;
  const pipes = new Set<{ resume(): void; destroy(): void }>();

  /** Forwards `from` to `to`, holding chunks back while the proxy is hung. */
  const forward = (from: Socket, to: Socket): (() => void) => {
    const held: Buffer[] = [];
    from.on('data', (chunk: Buffer) => {
      if (hung || held.length > 0) held.push(chunk);
      else to.write(chunk);
    });
    return () => {
      for (const chunk of held.splice(0)) to.write(chunk);
    };
  };

  const server: Server = createServer((client) => {
    const db = connect(upstreamPort, upstream.hostname);
    const flushUp = forward(client, db);
    const flushDown = forward(db, client);
    const pipe = {
      resume: () => {
        flushUp();
        flushDown();
      },
      destroy: () => {
        client.destroy();
        db.destroy();
      },
    };
    pipes.add(pipe);
    const end = (): void => {
      pipes.delete(pipe);
      pipe.destroy();
    };
    client.on('close', end).on('error', end);
    db.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(upstreamUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    hang: () => {
      hung = true;
    },
    resume: () => {
      hung = false;
      for (const pipe of pipes) pipe.resume();
    },
    openConnections: () => pipes.size,
    async close() {
      for (const pipe of pipes) pipe.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
