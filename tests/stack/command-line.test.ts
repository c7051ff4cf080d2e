import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, newDataDir, runStackToExit } from "../../supabase/stack/spawn-stack.ts";

let blockers: Server[] = [];
afterEach(async () => {
  await Promise.all(blockers.map((server) => new Promise((resolve) => server.close(resolve))));
  blockers = [];
});

async function occupy(port: number): Promise<void> {
  const server = createServer();
  blockers.push(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
}

describe("the stack's command line", () => {
  it("documents its options with --help", async () => {
    const { code, output } = await runStackToExit(["--help"]);
    expect(code).toBe(0);
    for (const option of [
      "--config",
      "--data",
      "--migrations",
      "--seed",
      "--functions",
      "--api-port",
      "--db-port",
      "--inbox-port",
      "--smtp-port",
      "--studio-port",
      "DATABASE_URL",
    ]) {
      expect(output).toContain(option);
    }
  });

  it("rejects an unknown option and a bad port with usage", async () => {
    const unknown = await runStackToExit(["--bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/Unknown option '--bogus'/);
    const badPort = await runStackToExit(["--api-port", "70000"]);
    expect(badPort.code).toBe(2);
    expect(badPort.output).toContain(
      '--api-port must be a port number from 1 to 65535, not "70000"',
    );
  });

  it("names the port and the option when the API port is taken", async () => {
    const port = await freePort();
    await occupy(port);
    const { code, output } = await runStackToExit([
      "--data",
      await newDataDir(),
      "--api-port",
      String(port),
    ]);
    expect(code).toBe(1);
    expect(output).toContain(
      `port ${port} is in use: the API gateway cannot listen on it (change it with --api-port)`,
    );
  });

  it("names the port and the option when the database port is taken, before making a cluster", async () => {
    const port = await freePort();
    await occupy(port);
    const dataDir = await newDataDir();
    const { code, output } = await runStackToExit(["--data", dataDir, "--db-port", String(port)]);
    expect(code).toBe(1);
    expect(output).toContain(
      `port ${port} is in use: PostgreSQL cannot listen on it (change it with --db-port)`,
    );
    // Found before initdb's seconds of work, which would leave a cluster behind.
    expect(output).not.toMatch(/initialising a new PostgreSQL cluster/);
    expect(existsSync(path.join(dataDir, "postgres"))).toBe(false);
  });

  it("fails clearly on an unreachable DATABASE_URL", async () => {
    const port = await freePort();
    const { code, output } = await runStackToExit([], {
      DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    });
    expect(code).toBe(1);
    expect(output).toContain(`cannot use DATABASE_URL (127.0.0.1:${port}/postgres)`);
    expect(output).toMatch(/ECONNREFUSED/);
  });

  it("fails clearly on a config file that is missing or not TOML", async () => {
    const dir = await newDataDir();
    const missing = await runStackToExit(["--config", path.join(dir, "nope.toml")]);
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(
      /cannot read the config file .*nope\.toml.*\(change it with --config\)/,
    );
    const broken = path.join(dir, "broken.toml");
    await writeFile(broken, "[api\nport = 1\n");
    const invalid = await runStackToExit(["--config", broken]);
    expect(invalid.code).toBe(1);
    expect(invalid.output).toContain(`${broken} is not valid TOML`);
  });
});
