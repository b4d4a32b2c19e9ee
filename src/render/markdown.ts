import type { Report } from "../model/report.js";

const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * Prose for GitHub's Markdown: placeholders (`<taskArn>`, which GitHub would
 * take for an HTML tag and drop) go in code spans, and characters it would read
 * as markup are escaped, outside the code spans the text already has.
 */
export function md(s: string): string {
  return s
    .split(/(`[^`\n]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .split(/(<[A-Za-z][\w.:-]*>)/)
            .map((p, j) => (j % 2 === 1 ? `\`${p}\`` : p.replace(/[\\*_~[\]<>]/g, "\\$&")))
            .join(""),
    )
    .join("");
}

/** Inside a table cell too. */
const cell = (s: string) => esc(md(s));

export interface MarkdownOptions {
  /** The level of the report's own heading; its sections sit one below (a scan nests each task under its `##`). */
  level?: number;
  /** The report's heading (default "ecs-doctor report"). */
  title?: string;
}
const MARK = { pass: "✅", fail: "❌", unknown: "❔", caution: "⚠️" } as const;

function mermaid(r: Report): string[] {
  if (!r.path || r.path.length === 0) return [];
  const lines = ["```mermaid", "flowchart LR"];
  const ids = new Map<string, string>();
  const node = (key: string, label: string, status: keyof typeof MARK) => {
    if (!ids.has(key)) {
      const n = `n${ids.size}`;
      ids.set(key, n);
      lines.push(`  ${n}["${MARK[status]} ${label.replace(/"/g, "'")}"]`);
      if (status === "fail") lines.push(`  style ${n} stroke:#d00,stroke-width:2px`);
      if (status === "caution") lines.push(`  style ${n} stroke:#d90,stroke-width:2px,stroke-dasharray:4`);
    }
    return ids.get(key)!;
  };
  const edges = new Set<string>();
  for (const p of r.path) {
    let prev: string | undefined;
    // Paths share their common beginning and branch where they differ: a node is its hop and every hop before it.
    let key = "";
    for (const h of p.hops) {
      const text = h.id === h.label ? h.label : `${h.label}<br/>${h.id}`;
      key += `>${h.kind}:${h.id}:${h.status}`;
      const n = node(key, h.note && h.status !== "pass" ? `${text}<br/><i>${h.note}</i>` : text, h.status);
      if (prev && !edges.has(`${prev}-${n}`)) {
        edges.add(`${prev}-${n}`);
        lines.push(`  ${prev} --> ${n}`);
      }
      prev = n;
    }
  }
  lines.push("```");
  return lines;
}

export function renderMarkdown(r: Report, opts: MarkdownOptions = {}): string {
  const top = opts.level ?? 1;
  const h = (depth: number, text: string) => `${"#".repeat(Math.min(6, top + depth))} ${text}`;
  const out: string[] = [h(0, opts.title ?? "ecs-doctor report"), ""];
  if (r.task) {
    out.push(`**Task** \`${r.task.taskArn}\` — ${r.task.lastStatus}${r.task.stopCode ? ` (${r.task.stopCode})` : ""}`, "");
    for (const c of r.task.containers) {
      out.push(`- container **${c.name}**: \`${c.image ?? "?"}\``);
      if (c.reason) out.push(`  > ${esc(md(c.reason))}`);
    }
    if (!r.task.containers.some((c) => c.reason) && r.task.stoppedReason) out.push(`> ${esc(md(r.task.stoppedReason))}`);
    out.push("");
  } else if (r.preflight) {
    const p = r.preflight;
    out.push(`**Preflight** of ${p.service ? `service \`${p.service}\`` : "task definition"} \`${p.taskDefinitionArn}\` (${p.launchType}), judged from ${p.judged.map((j) => `\`${j}\``).join(", ")}`, "");
    for (const c of p.containers) out.push(`- container **${c.name}**: \`${c.image ?? "?"}\``);
    out.push("");
  }
  const chart = mermaid(r);
  if (chart.length > 0) out.push(h(1, "Path"), "", ...chart, "");
  if (r.message) {
    out.push("**Error message**, judged alone (no AWS call):", "", `> ${esc(md(r.message))}`, "");
    if (r.signals) out.push(`Read as: ${md(r.signals.summary)} (stage \`${r.signals.stage}\`, kind \`${r.signals.kind}\`${r.signals.host ? `, host \`${r.signals.host}\`` : ""})`, "");
  }
  out.push(h(1, "Findings"), "");
  if (r.findings.length === 0) out.push("No problem found.", "");
  for (const f of r.findings) {
    out.push(h(2, `${f.rank}. ${md(f.title)}`), "", `\`${f.id}\` · ${f.severity} · confidence ${f.confidence.toFixed(2)}`, "", md(f.explanation), "");
    if (f.evidence.length > 0) {
      out.push("| resource | what was seen |", "| --- | --- |");
      for (const e of f.evidence) out.push(`| \`${esc(e.resource)}\` | ${cell(e.fact)} |`);
      out.push("");
    }
    for (const x of f.fixes) {
      out.push(`**Fix:** ${md(x.summary)}`, "");
      for (const step of x.steps ?? []) out.push(`1. ${md(step)}`);
      if ((x.steps ?? []).length > 0) out.push("");
      if ((x.commands ?? []).length > 0) out.push("```sh", ...(x.commands ?? []), "```", "");
      for (const d of x.docs ?? []) out.push(`- ${d}`);
      if ((x.docs ?? []).length > 0) out.push("");
    }
  }
  if (r.passed.length > 0) out.push(h(1, "Passed"), "", ...r.passed.map((p) => `- \`${p.check}\`: ${md(p.title)}`), "");
  if (r.skipped.length > 0) out.push(h(1, "Skipped"), "", ...r.skipped.map((s) => `- \`${s.check}\`: ${md(s.reason)}`), "");
  return `${out.join("\n").trimEnd()}\n`;
}
