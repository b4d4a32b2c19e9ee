// The bundled offline scenarios: snapshot files under demos/, each with a
// one-line description, diagnosed by `ecs-doctor demo`.

import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { UsageError } from "./errors.js";

export interface Demo {
  name: string;
  description: string;
  path: string;
  taskArn: string;
}

/** demos/ beside dist/ (the bundle) or beside src/ (tests). */
export function demosDir(): string {
  return fileURLToPath(new URL("../demos/", import.meta.url));
}

/** The scenario a first run shows: the most common cause of all. */
export const FIRST_DEMO = "private-subnet-no-route";

export async function listDemos(): Promise<Demo[]> {
  const dir = demosDir();
  const files = (await readdir(dir))
    .filter((f) => f.endsWith(".json"))
    .sort((a, b) => Number(b === `${FIRST_DEMO}.json`) - Number(a === `${FIRST_DEMO}.json`) || a.localeCompare(b));
  return Promise.all(
    files.map(async (f) => {
      const data = JSON.parse(await readFile(dir + f, "utf8"));
      return { name: f.replace(/\.json$/, ""), description: data.description ?? "", path: dir + f, taskArn: data.ecs?.tasks?.[0]?.taskArn ?? "" };
    }),
  );
}

export async function demoPath(name: string): Promise<string> {
  const demos = await listDemos();
  const d = demos.find((x) => x.name === name);
  if (!d) throw new UsageError(`no demo named "${name}": run \`ecs-doctor demo\` to list them (${demos.map((x) => x.name).join(", ")})`);
  return d.path;
}
