// moto's server for the wire suite: installed once into .venv-wire/ (pinned by
// requirements.txt and constraints.txt; reinstalled only when they change),
// started on a free loopback port for one run, stopped at its end. The server
// also exits by itself when the process that started it dies
// (moto_server.py watches its parent), so no run leaves one behind.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const HERE = join(process.cwd(), "tests/wire");
export const VENV = join(process.cwd(), ".venv-wire");
const STAMP = join(VENV, ".installed");
const PYTHON = join(VENV, process.platform === "win32" ? "Scripts/python.exe" : "bin/python");

function pins(): string {
  const hash = createHash("sha256");
  for (const f of ["requirements.txt", "constraints.txt"]) hash.update(readFileSync(join(HERE, f)));
  return hash.digest("hex");
}

function systemPython(): string {
  for (const candidate of ["python3", "python"]) {
    try {
      const version = execFileSync(candidate, ["-c", "import sys; print(sys.version_info[0])"], { encoding: "utf8" }).trim();
      if (version === "3") return candidate;
    } catch {
      // try the next name
    }
  }
  throw new Error("npm run test:wire needs Python 3 (python3 on PATH) to install moto's server");
}

/** The virtualenv with moto at the pinned version: reused when its stamp matches the pins. */
export function ensureMoto(log: (line: string) => void = () => {}): string {
  const want = pins();
  if (existsSync(PYTHON) && existsSync(STAMP) && readFileSync(STAMP, "utf8") === want) return PYTHON;
  log("installing moto's server into .venv-wire/ (once; reaches PyPI)");
  rmSync(VENV, { recursive: true, force: true });
  execFileSync(systemPython(), ["-m", "venv", VENV], { stdio: "inherit" });
  execFileSync(PYTHON, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check",
    "-r", join(HERE, "requirements.txt"), "-c", join(HERE, "constraints.txt")], { stdio: "inherit" });
  writeFileSync(STAMP, want);
  return PYTHON;
}

export interface Moto {
  url: string;
  stop(): Promise<void>;
}

/** Starts moto's server on 127.0.0.1 and a port the OS picks; resolves once it listens. */
export function startMoto(python: string, env: Record<string, string> = {}): Promise<Moto> {
  const child: ChildProcess = spawn(python, [join(HERE, "moto_server.py"), String(process.pid)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  // moto logs every request and every server error on stderr: kept in .venv-wire/moto.log for a failing test.
  const log = createWriteStream(join(VENV, "moto.log"));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log.write(chunk);
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error(`moto did not start within 60 s:\n${stderr}`)); }, 60_000);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`moto exited (${code}) before listening:\n${stderr}`)); });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const port = /^port (\d+)$/.exec(line)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({
        url: `http://127.0.0.1:${port}`,
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
          child.once("exit", () => { clearTimeout(kill); done(); });
          child.kill("SIGTERM");
        }),
      });
    });
  });
}
