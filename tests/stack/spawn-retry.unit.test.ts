// When a test stack's start is tried again on new ports (supabase/stack/spawn-stack.ts): only when
// it lost a port it picked itself, never one the caller chose.
import { describe, expect, it } from "vitest";
import { lostPickedPort } from "../../supabase/stack/spawn-stack.ts";

const refused = (port: number, option = "--api-port") =>
  new Error(
    `the stack exited with code 1 before it was ready:\nerror: port ${port} is in use: the API gateway cannot listen on it (change it with ${option})`,
  );
const bindFailed = new Error("Error: listen EADDRINUSE: address already in use 127.0.0.1:40001");

describe("lostPickedPort", () => {
  it("retries a port the stack's own check names, unless the caller chose it", () => {
    expect(lostPickedPort(refused(40001), {})).toBe(true);
    // The caller's data folder and database port are kept; the API port was picked.
    expect(lostPickedPort(refused(40001), { dataDir: "/tmp/x", dbPort: 40002 })).toBe(true);
    expect(lostPickedPort(refused(40002, "--db-port"), { dbPort: 40002 })).toBe(false);
    expect(lostPickedPort(refused(40003, "--studio-port"), { studioPort: 40003 })).toBe(false);
  });

  it("retries a later EADDRINUSE on a port it picked, also on the caller's data folder", () => {
    expect(lostPickedPort(bindFailed, {})).toBe(true);
    expect(lostPickedPort(bindFailed, { dataDir: "/tmp/x", dbPort: 40002 })).toBe(true);
    expect(lostPickedPort(bindFailed, { dataDir: "/tmp/x", apiPort: 40001 })).toBe(false);
  });

  it("retries an EADDRINUSE naming no port only on a data folder of its own, and nothing else", () => {
    const unnamed = new Error("Error: listen EADDRINUSE: address already in use");
    expect(lostPickedPort(unnamed, {})).toBe(true);
    expect(lostPickedPort(unnamed, { dataDir: "/tmp/x" })).toBe(false);
    expect(lostPickedPort(new Error("the stack exited with code 1: syntax error"), {})).toBe(false);
    expect(lostPickedPort("port 1 is in use", {})).toBe(false);
  });
});
