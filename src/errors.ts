/** Input the tool cannot diagnose from (bad ARN, missing task, bad snapshot, no region): exit 2 with this one line. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  /** The CLI's exit code for it. */
  readonly exitCode = 2;
}
