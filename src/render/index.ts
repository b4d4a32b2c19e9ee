import type { Report } from "../model/report.js";
import { renderMarkdown } from "./markdown.js";
import { type Style, PLAIN } from "./style.js";
import { renderText } from "./text.js";

export type OutputFormat = "text" | "json" | "markdown";

export function render(report: Report, format: OutputFormat, style: Style = PLAIN): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  if (format === "markdown") return renderMarkdown(report);
  return renderText(report, style);
}
