// ora loops forever on a terminal that reports 0 columns: the spinner runs
// only on a real TTY with a width, outside CI and dumb terminals.
import { describe, expect, it } from "vitest";
import { spinnerAllowed } from "../src/spinner.js";
import { STAGE_OF_SERVICE, type TraceEvent, tracedSource } from "../src/source/trace.js";
import { SnapshotSource } from "../src/source/snapshot.js";
import { world } from "./fixtures/world.js";

const tty = (columns: number | undefined) => ({ isTTY: true, columns }) as unknown as NodeJS.WriteStream;

describe("spinner", () => {
  it.each([
    ["a TTY with a width", tty(120), {}, true],
    ["a TTY that reports 0 columns", tty(0), {}, false],
    ["a TTY with no width", tty(undefined), {}, false],
    ["a pipe", { isTTY: false, columns: 80 } as unknown as NodeJS.WriteStream, {}, false],
    ["CI", tty(120), { CI: "true" }, false],
    ["TERM=dumb", tty(120), { TERM: "dumb" }, false],
  ])("on %s: %s", (_name, stream, env, allowed) => {
    expect(spinnerAllowed(stream, env as NodeJS.ProcessEnv)).toBe(allowed);
  });

  it("is told the stage of each call as it starts", async () => {
    const stages: string[] = [];
    const events: TraceEvent[] = [];
    const source = tracedSource(new SnapshotSource(world().build()), events, undefined, (service) => stages.push(STAGE_OF_SERVICE[service]));
    await source.describeRouteTables("vpc-0aaa");
    await source.getRole("ecsTaskExecutionRole");
    expect(stages).toEqual(["Following the network path", "Checking IAM"]);
  });
});
