// The wire suite's run: the CLI bundle built, moto installed (once) and
// started on a loopback port; its URL is given to the tests; stopped at the end.
import type { TestProject } from "vitest/node";
import buildBundle from "../setup/build.js";
import { ensureMoto, type Moto, startMoto } from "./moto.js";

declare module "vitest" {
  export interface ProvidedContext {
    motoUrl: string;
  }
}

let moto: Moto | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildBundle();
  const python = ensureMoto((line) => process.stderr.write(`${line}\n`));
  moto = await startMoto(python);
  project.provide("motoUrl", moto.url);
  const stop = async () => { await moto?.stop(); moto = undefined; };
  // Teardown runs on a normal end; a signal stops the server too (and moto_server.py exits when this process does).
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => { void stop().then(() => process.exit(130)); });
  return stop;
}
