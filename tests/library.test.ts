// The library as a user installs it: the BUILT package, imported by name
// ("ecs-doctor", resolved through package.json exports), gives the same report
// objects the CLI prints; its type declarations exist and type-check a consumer;
// and the CLI's start-up never loads the AWS SDK or the MCP SDK.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listDemos } from "../src/demos.js";
import { asPrinted, cliJson, snapshotFile } from "./fixtures/run-cli.js";
import { MESSAGES, world } from "./fixtures/world.js";
import { manyTasks } from "./fixtures/many-tasks.js";

const ROOT = process.cwd();

/** Runs an ES module script from the package root, where `import("ecs-doctor")` resolves to the package itself. */
function runModule(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", code], { cwd: ROOT, timeout: 20_000, env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true" } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('import { diagnose, explain, preflight, scan } from "ecs-doctor" (the built package)', async () => {
  const demos = await listDemos();

  it("diagnose gives, on every demo, the report the CLI prints", async () => {
    const code = `
      const { diagnose } = await import("ecs-doctor");
      const out = {};
      for (const path of ${JSON.stringify(demos.map((d) => d.path))}) out[path] = await diagnose({ snapshot: path });
      process.stdout.write(JSON.stringify(out));`;
    const fromLibrary = JSON.parse(await runModule(code));
    for (const d of demos) expect(fromLibrary[d.path], d.name).toEqual(await cliJson(["--snapshot", d.path]));
    // One CLI run per demo, one after another: the gallery grows with every cause.
  }, 90_000);

  it("explain, preflight and scan give what `explain`, `preflight` and `scan` print", async () => {
    const before = world().withoutImage().build();
    before.ecs!.services![0].taskDefinition = before.ecs!.tasks![0].taskDefinitionArn;
    before.ecs!.tasks = [];
    const preflightFile = snapshotFile(before);
    const scanFile = snapshotFile(manyTasks(12));
    const code = `
      const lib = await import("ecs-doctor");
      process.stdout.write(JSON.stringify({
        explain: lib.explain(${JSON.stringify(MESSAGES.manifestUnknown)}),
        preflight: await lib.preflight({ snapshot: ${JSON.stringify(preflightFile)}, cluster: "prod", service: "web" }),
        scan: await lib.scan({ snapshot: ${JSON.stringify(scanFile)} }),
      }));`;
    const out = JSON.parse(await runModule(code));
    expect(out.explain).toEqual(await cliJson(["explain", MESSAGES.manifestUnknown]));
    expect(out.preflight).toEqual(await cliJson(["preflight", "--snapshot", preflightFile, "--cluster", "prod", "--service", "web"]));
    expect(out.preflight.findings[0].id).toBe("image-not-found");
    expect(out.scan).toEqual(await cliJson(["scan", "--snapshot", scanFile]));
    expect(out.scan.format).toBe("ecs-doctor-scan/1");
  });

  it("rejects bad input with a UsageError, as the CLI exits 2", async () => {
    const code = `
      const { diagnose, UsageError } = await import("ecs-doctor");
      try { await diagnose({ snapshot: ${JSON.stringify(demos[0].path)}, task: "arn:aws:ecs:nope" }); process.stdout.write("resolved"); }
      catch (e) { process.stdout.write(String(e instanceof UsageError) + " " + e.message); }`;
    expect(await runModule(code)).toMatch(/^true .*not an ECS task ARN/);
  });

  it("in-process, the source's objects are the ones printed", async () => {
    const { diagnose } = await import("../src/index.js");
    const d = demos.find((x) => x.name === "tag-never-pushed")!;
    expect(asPrinted(await diagnose({ snapshot: d.path }))).toEqual(await cliJson(["--snapshot", d.path]));
  });
});

describe("type declarations", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

  it("package.json exports name a types file and a module for the library and the Lambda handler, and they exist", () => {
    for (const entry of [".", "./lambda"]) {
      const e = pkg.exports[entry];
      expect(existsSync(join(ROOT, e.types)), e.types).toBe(true);
      expect(existsSync(join(ROOT, e.import)), e.import).toBe(true);
    }
    expect(existsSync(join(ROOT, pkg.types))).toBe(true);
  });

  it("type-check a consumer that imports the package by name", () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-doctor-consumer-"));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules", "ecs-doctor"));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: false, typeRoots: [join(ROOT, "node_modules/@types")], types: ["node"] },
      files: ["consumer.ts"],
    }));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(dir, "consumer.ts"), `
      import { diagnose, explain, preflight, scan, type Report, type ScanReport, type Finding } from "ecs-doctor";
      import { handler, createHandler, type EcsTaskStateChangeEvent, type HandlerResult } from "ecs-doctor/lambda";
      const a: Promise<Report> = diagnose({ snapshot: "case.json", task: "arn:aws:ecs:us-east-1:123456789012:task/prod/0123" });
      const b: Report = explain("CannotPullContainerError: not found");
      const top: Finding | undefined = b.findings[0];
      const rank: number | undefined = top?.rank;
      const c: Promise<Report> = preflight({ cluster: "prod", service: "web", region: "us-east-1" });
      const d: Promise<ScanReport> = scan({ cluster: "prod", since: "1h" });
      const event: EcsTaskStateChangeEvent = { "detail-type": "ECS Task State Change", detail: { lastStatus: "STOPPED" } };
      const e: Promise<HandlerResult> = handler(event);
      const f = createHandler({ env: { TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:t" } });
      // @ts-expect-error: the task is a string
      diagnose({ task: 42 });
      // @ts-expect-error: a preflight's launch type is FARGATE or EC2
      preflight({ taskDefinition: "web:7", launchType: "EXTERNAL" });
      export { a, c, d, e, f, rank };
    `);
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    let out = "";
    try {
      out = execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" });
    } catch (err) {
      out = `${(err as { stdout?: string }).stdout ?? ""}${(err as Error).message}`;
    }
    expect(out).toBe("");
  });
});

describe("start-up stays free of the AWS SDK and the MCP SDK", () => {
  /** The chunks a bundle entry loads before it runs: its static imports, transitively (a dynamic import() is not followed). */
  function staticClosure(entry: string): string[] {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(ROOT, "dist", file), "utf8");
      for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)"|^import\s*"\.\/([^"]+)"/gms)) visit(m[1] ?? m[2]);
    };
    visit(entry);
    return [...seen];
  }

  it.each(["cli.js", "index.js"])("%s loads no @aws-sdk, @modelcontextprotocol or zod module until a command needs it", (entry) => {
    const files = staticClosure(entry);
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) {
      const text = readFileSync(join(ROOT, "dist", f), "utf8");
      expect(text, f).not.toMatch(/^\/\/ node_modules\/(@aws-sdk|@smithy|@modelcontextprotocol|zod)\//m);
    }
  });

  it("the MCP server is a chunk of its own, loaded by `ecs-doctor mcp` only", () => {
    const cli = readFileSync(join(ROOT, "dist/cli.js"), "utf8");
    expect(cli).toMatch(/import\("\.\/mcp-[A-Z0-9]+\.js"\)/);
  });
});
