import type { Finding, Hop, Report } from "../model/report.js";
import { PLAIN, type Style } from "./style.js";

const MARK: Record<Hop["status"], string> = { pass: "✓", fail: "✗", unknown: "?", caution: "!" };

function wrapText(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join("\n");
}

function severity(f: Finding, s: Style): string {
  const label = f.severity.toUpperCase();
  return f.severity === "error" ? s.red(label) : f.severity === "warning" ? s.yellow(label) : s.cyan(label);
}

function hopText(h: Hop, s: Style): { text: string; length: number } {
  const m = MARK[h.status];
  const colored = h.status === "pass" ? s.green(m) : h.status === "fail" ? s.red(m) : s.yellow(m);
  const note = h.note && h.status !== "pass" ? ` (${h.note})` : "";
  // The end of a path names several hosts: set them apart from the label.
  const shown = h.kind === "registry" ? `(${h.id})` : h.id;
  const id = h.id === h.label ? "" : ` ${shown}`;
  return { text: `${colored} ${h.label}${id ? ` ${s.dim(shown)}` : ""}${note ? s.dim(note) : ""}`, length: 2 + h.label.length + id.length + note.length };
}

/** The hops of one path, joined by arrows and folded at `width` between hops. */
export function hopLine(hops: Hop[], s: Style = PLAIN, width = Number.POSITIVE_INFINITY, indent = "  "): string {
  const lines: string[] = [];
  let line = "";
  let length = indent.length;
  for (const [i, h] of hops.entries()) {
    const { text, length: n } = hopText(h, s);
    const joint = i === 0 ? "" : " → ";
    if (line && length + joint.length + n > width) {
      lines.push(`${line} →`);
      line = `${indent}  ${text}`;
      length = indent.length + 2 + n;
    } else {
      line = `${line || indent}${joint}${text}`;
      length += joint.length + n;
    }
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

export function renderText(r: Report, s: Style = PLAIN, width = 100): string {
  const out: string[] = [];
  if (r.task) {
    const taskId = r.task.taskArn.split("/").pop();
    const cluster = r.task.clusterArn?.split("/").pop();
    out.push(s.bold(`Task ${taskId}${cluster ? ` (cluster ${cluster})` : ""}: ${r.task.lastStatus}${r.task.stopCode ? `, ${r.task.stopCode}` : ""}`));
    const failing = r.task.containers.filter((c) => c.reason);
    for (const c of failing.length > 0 ? failing : r.task.containers) {
      out.push(`  container ${s.bold(c.name)}: ${c.image ?? "?"}`);
      if (c.reason) out.push(wrapText(c.reason, width - 4, "    "));
    }
    if (failing.length === 0 && r.task.stoppedReason) out.push(wrapText(`stoppedReason: ${r.task.stoppedReason}`, width - 2, "  "));
  } else if (r.source?.kind === "message") {
    out.push(s.bold("Error message, judged alone (no AWS call):"));
    if (r.message) out.push(wrapText(r.message, width - 4, "    "));
    const g = r.signals;
    if (g) {
      const read = [`stage ${g.stage}`, `kind ${g.kind}`, g.host && `host ${g.host}`, g.ip && `address ${g.ip}${g.port ? `:${g.port}` : ""}`, g.deniedAction && `denied ${g.deniedAction}`, g.platform && `platform ${g.platform}`];
      out.push(`  ${s.dim("Read as:")} ${g.summary} (${read.filter(Boolean).join(", ")})`);
    }
  } else if (r.preflight) {
    const p = r.preflight;
    out.push(s.bold(`Preflight${p.service ? ` of service ${p.service}` : ""}: task definition ${p.taskDefinitionArn.split("/").pop()}, ${p.launchType}`));
    for (const c of p.containers) out.push(`  container ${s.bold(c.name)}: ${c.image ?? "?"}`);
    out.push(`  judged from: ${p.judged.join(", ")}`);
  }
  if (r.path && r.path.length > 0) {
    out.push("", s.bold("Path"));
    for (const p of r.path) out.push(hopLine(p.hops, s, width));
  }
  out.push("");
  if (r.findings.length === 0) out.push(s.green("No problem found."));
  for (const f of r.findings) {
    out.push(`${s.bold(`${f.rank}.`)} ${severity(f, s)} ${s.bold(f.title)} ${s.dim(`[${f.id}, confidence ${f.confidence.toFixed(2)}]`)}`);
    out.push(wrapText(f.explanation, width - 3, "   "));
    if (f.evidence.length > 0) {
      out.push(`   ${s.dim("Evidence:")}`);
      for (const e of f.evidence) out.push(`     ${s.cyan(e.resource)}  ${e.fact}`);
    }
    for (const x of f.fixes) {
      out.push(`   ${s.green("Fix:")} ${x.summary}`);
      for (const step of x.steps ?? []) out.push(`     - ${step}`);
      for (const c of x.commands ?? []) out.push(`     $ ${c}`);
      for (const d of x.docs ?? []) out.push(`     ${s.dim(d)}`);
    }
    out.push("");
  }
  if (r.passed.length > 0) out.push(`${s.green(`Passed (${r.passed.length}):`)} ${r.passed.map((p) => p.check).join(", ")}`);
  // One denied call skips many checks: one line per call, naming the checks.
  const byCall = new Map<string, string[]>();
  for (const k of r.skipped) {
    const call = /([a-z0-9-]+:[A-Za-z]+ (?:was |did |failed).*)$/.exec(k.reason)?.[1];
    const key = call ?? `${k.check}: ${k.reason}`;
    byCall.set(key, [...(byCall.get(key) ?? []), k.check]);
  }
  for (const [reason, checks] of byCall) {
    out.push(/^[a-z0-9-]+:[A-Za-z]+ /.test(reason) ? `${s.yellow("Skipped:")} ${checks.join(", ")}: ${reason}` : `${s.yellow("Skipped:")} ${reason}`);
  }
  return `${out.join("\n").trimEnd()}\n`;
}
