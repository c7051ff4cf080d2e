import { createServer } from "node:net";

/** Fails early, naming the option, rather than after PostgreSQL has started. */
export async function assertPortFree(port: number, option: string, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", () =>
      reject(
        new Error(`port ${port} is in use: ${what} cannot listen on it (change it with ${option})`),
      ),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}
