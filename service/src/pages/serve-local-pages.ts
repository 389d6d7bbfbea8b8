import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createLocalPagesApp, type LocalPagesOptions } from "./local-pages-app.js";

export interface LocalPagesServer {
  /** e.g. http://127.0.0.1:8787, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

/** Serves createLocalPagesApp on 127.0.0.1 only (port 0: a free one), never on other interfaces. */
export async function serveLocalPages(
  o: LocalPagesOptions & { port?: number },
): Promise<LocalPagesServer> {
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`serveLocalPages: port must be an integer 0 … 65535, got ${String(port)}`);
  const app = createLocalPagesApp(o);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      ),
  };
}
