// The Markdown reports go into tickets and pull requests, so they are checked
// the way GitHub reads them: parsed by markdown-it (CommonMark with GitHub's
// tables), with HTML allowed as GitHub allows it, for every demo, a scan and
// explain. Nothing may be read as an HTML tag (GitHub drops `<taskArn>`),
// headings nest (a scan's tasks own their sections), prose and titles render
// to exactly the report's text, tables keep their cells, the Mermaid block is
// intact, and counts agree with their nouns.
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { explainMessage } from "../../src/explain.js";
import type { Report } from "../../src/model/report.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import { renderScanMarkdown, scanCluster } from "../../src/scan.js";
import { SnapshotSource } from "../../src/source/snapshot.js";
import { DEMOS } from "../fixtures/demos.js";
import { manyTasks } from "../fixtures/many-tasks.js";
import { MESSAGES, diagnoseSnapshot } from "../fixtures/world.js";

const github = new MarkdownIt({ html: true, linkify: true });
type Token = ReturnType<typeof github.parse>[number];

/** What an inline token renders as text (code spans by their content, as a reader sees them). */
function plain(inline: Token | undefined): string {
  return (inline?.children ?? []).map((c) => (c.type === "text" || c.type === "code_inline" ? c.content : c.type === "softbreak" ? "\n" : "")).join("");
}

interface Heading { level: number; text: string; index: number }

function headings(tokens: Token[]): Heading[] {
  return tokens.flatMap((t, i) => (t.type === "heading_open" ? [{ level: Number(t.tag.slice(1)), text: plain(tokens[i + 1]), index: i }] : []));
}

/** The checks every Markdown output must pass. */
function expectRendersOnGitHub(source: string): Token[] {
  const tokens = github.parse(source, {});
  const all = tokens.flatMap((t) => [t, ...(t.children ?? [])]);
  // Nothing read as HTML: GitHub would drop or sanitise it.
  expect(all.filter((t) => t.type === "html_inline" || t.type === "html_block").map((t) => t.content)).toEqual([]);
  // One title, and no heading deeper than one below the one before it.
  const hs = headings(tokens);
  expect(hs.filter((h) => h.level === 1)).toHaveLength(1);
  expect(hs[0].level).toBe(1);
  for (let i = 1; i < hs.length; i++) expect(hs[i].level, `"${hs[i].text}" after "${hs[i - 1].text}"`).toBeLessThanOrEqual(hs[i - 1].level + 1);
  // Every table row has as many cells as its header: no `|` in a value split a cell.
  let columns = 0;
  let cells = 0;
  for (const t of tokens) {
    if (t.type === "thead_open") columns = 0;
    if (t.type === "th_open") columns++;
    if (t.type === "tr_open") cells = 0;
    if (t.type === "td_open") cells++;
    if (t.type === "tr_close" && cells > 0) expect(cells).toBe(columns);
  }
  // Counts agree with their nouns.
  const text = all.filter((t) => t.type === "text").map((t) => t.content).join("\n");
  expect(text).not.toMatch(/\b1 (stopped )?(tasks|checks|secrets|causes)\b/);
  return tokens;
}

/** Each finding's heading, explanation and fix render to exactly the report's text. */
function expectFindingsIntact(tokens: Token[], report: Report, level: number): void {
  const hs = headings(tokens).filter((h) => h.level === level && /^\d+\. /.test(h.text));
  expect(hs.map((h) => h.text)).toEqual(report.findings.map((f) => `${f.rank}. ${f.title}`));
  const paragraphs = tokens.flatMap((t, i) => (t.type === "paragraph_open" ? [plain(tokens[i + 1])] : []));
  for (const f of report.findings) {
    expect(paragraphs, f.id).toContain(f.explanation.replace(/`/g, ""));
    for (const x of f.fixes) expect(paragraphs.some((p) => p === `Fix: ${x.summary.replace(/`/g, "")}`), `${f.id}: ${x.summary}`).toBe(true);
  }
}

/** The Mermaid block is one fence, closed, every edge between nodes it defines. */
function expectMermaidIntact(tokens: Token[], report: Report): void {
  const fences = tokens.filter((t) => t.type === "fence" && t.info === "mermaid");
  if (!report.path?.length) {
    expect(fences).toHaveLength(0);
    return;
  }
  expect(fences).toHaveLength(1);
  const lines = fences[0].content.trimEnd().split("\n");
  expect(lines[0]).toBe("flowchart LR");
  const nodes = new Set<string>();
  for (const l of lines.slice(1)) {
    const node = /^ {2}(n\d+)\["[^"]*"\]$/.exec(l);
    const edge = /^ {2}(n\d+) --> (n\d+)$/.exec(l);
    const style = /^ {2}style (n\d+) [\w:#,.-]+$/.exec(l);
    expect(node || edge || style, l).toBeTruthy();
    if (node) nodes.add(node[1]);
    if (edge) for (const n of [edge[1], edge[2]]) expect(nodes.has(n), l).toBe(true);
    if (style) expect(nodes.has(style[1]), l).toBe(true);
  }
  expect(nodes.size).toBeGreaterThanOrEqual(report.path[0].hops.length);
  // The fence closed: the findings come after it, as a heading, not inside the chart.
  const fenceAt = tokens.indexOf(fences[0]);
  expect(headings(tokens).some((h) => h.index > fenceAt && h.text === "Findings")).toBe(true);
}

describe("Markdown as GitHub renders it", () => {
  it.each(DEMOS.map((d) => [d.name, d] as const))("demo %s", async (_name, d) => {
    const { report } = await diagnoseSnapshot({ ...d.world.build(), description: d.description });
    const tokens = expectRendersOnGitHub(renderMarkdown(report));
    expect(headings(tokens).filter((h) => h.level === 2).map((h) => h.text)).toEqual(expect.arrayContaining(["Findings"]));
    expectFindingsIntact(tokens, report, 3);
    expectMermaidIntact(tokens, report);
  });

  it.each(Object.entries(MESSAGES))("explain: %s", (_name, message) => {
    const report = explainMessage(message);
    const tokens = expectRendersOnGitHub(renderMarkdown(report));
    expectFindingsIntact(tokens, report, 3);
  });

  it("explain puts the <taskArn> placeholder in a code span, where GitHub shows it", () => {
    const report = explainMessage(MESSAGES.timeout);
    expect(JSON.stringify(report)).toContain("<taskArn>");
    const tokens = expectRendersOnGitHub(renderMarkdown(report));
    const code = tokens.flatMap((t) => t.children ?? []).filter((c) => c.type === "code_inline").map((c) => c.content);
    expect(code.some((c) => c.includes("<taskArn>"))).toBe(true);
  });

  it("a scan nests each task's sections under its own heading", async () => {
    const scan = await scanCluster(new SnapshotSource(manyTasks(6)), { cluster: "prod" });
    const tokens = expectRendersOnGitHub(renderScanMarkdown(scan));
    const hs = headings(tokens);
    const tasks = hs.filter((h) => h.level === 2);
    expect(tasks.map((h) => h.text)).toEqual(scan.reports.map((r) => `Task ${r.task!.taskArn.split("/").pop()}`));
    // Under each task: its Path and Findings one level down, its findings two.
    for (const [i, t] of tasks.entries()) {
      const own = hs.filter((h) => h.index > t.index && h.index < (tasks[i + 1]?.index ?? Number.POSITIVE_INFINITY));
      expect(own.filter((h) => h.level === 3).map((h) => h.text)).toEqual(expect.arrayContaining(["Findings"]));
      expect(own.every((h) => h.level >= 3)).toBe(true);
    }
    for (const r of scan.reports) expectMermaidIntact(github.parse(renderMarkdown(r), {}), r);
  });

  it("a scan of one stopped task says so in the singular", async () => {
    const scan = await scanCluster(new SnapshotSource(manyTasks(1)), { cluster: "prod" });
    const text = renderScanMarkdown(scan);
    expect(text).toContain("1 stopped task,");
    expectRendersOnGitHub(text);
  });
});
