// Runs ecs-doctor on moto: in-process through the library (fast, for most
// worlds), or as the user's process (bin/ecs-doctor.js with AWS_ENDPOINT_URL
// and dummy keys in its environment).
import { diagnose } from "../../src/api.js";
import type { Report } from "../../src/model/report.js";
import { type Run, runCli } from "../fixtures/run-cli.js";
import { REGION } from "./world.js";

export async function diagnoseLive(task: string): Promise<Report> {
  return diagnose({ task, region: REGION });
}

/** The CLI as a process, talking to moto with the given keys (the test's by default). */
export function cli(args: string[], keys = { id: "AKIAWIRETEST", secret: "wire-test-secret" }): Promise<Run> {
  return runCli(args, {
    AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL, AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: keys.id, AWS_SECRET_ACCESS_KEY: keys.secret, NO_COLOR: "1",
  });
}

export const ids = (r: Report) => r.findings.map((f) => f.id);
/** Every evidence line of a finding, joined, for matching ids and values. */
export const evidenceOf = (r: Report, id: string) => (r.findings.find((f) => f.id === id)?.evidence ?? []).map((e) => (typeof e === "string" ? e : JSON.stringify(e))).join("\n");
