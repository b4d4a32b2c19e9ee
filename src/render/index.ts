import type { Report } from "../model/report.js";
import { renderMarkdown } from "./markdown.js";
import { type Style, PLAIN } from "./style.js";
import { renderText } from "./text.js";

export type OutputFormat = "text" | "json" | "markdown";

/** `width`: the text report's line length (a terminal's columns; 100 elsewhere). */
export function render(report: Report, format: OutputFormat, style: Style = PLAIN, width = 100): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  if (format === "markdown") return renderMarkdown(report);
  return renderText(report, style, width);
}
