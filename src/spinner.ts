// A spinner on stderr, only where it is safe: ora loops forever on a terminal
// that reports 0 columns, so it needs a real TTY with a width, and no CI.

export interface Spinner {
  text(s: string): void;
  stop(): void;
}

export function spinnerAllowed(stream: { isTTY?: boolean; columns?: number } = process.stderr, env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(stream.isTTY) && (stream.columns ?? 0) > 0 && !env.CI && env.TERM !== "dumb";
}

export function startSpinner(text: string): Spinner | undefined {
  if (!spinnerAllowed()) return undefined;
  let stopped = false;
  let handle: { text: string; stop(): void } | undefined;
  void import("ora").then(({ default: ora }) => {
    if (!stopped) handle = ora({ text, stream: process.stderr }).start();
  });
  return {
    text(s: string) {
      if (handle) handle.text = s;
    },
    stop() {
      stopped = true;
      handle?.stop();
    },
  };
}
