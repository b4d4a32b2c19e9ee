// What an AWS SDK error means to the user, shared by every client ecs-doctor
// makes (the live source's, and S3's for snapshots and the archive). No SDK
// import here: loading this file costs nothing.

import { UsageError } from "../errors.js";

const NO_CREDENTIALS = "no AWS credentials found: run `aws configure` or `aws sso login`, set AWS_PROFILE, or pass --profile";
const EXPIRED_CREDENTIALS =
  "AWS credentials are expired or invalid: refresh them (`aws sso login`, new keys or a new session token), or pass another --profile";
const EXPIRED = new Set([
  "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException",
  "InvalidSignatureException", "SignatureDoesNotMatch",
]);

/** The error's AWS code (its name), else a Node code (ECONNREFUSED), else "Error". */
export function codeOf(e: unknown): string {
  const err = (e ?? {}) as { name?: unknown; code?: unknown; Code?: unknown };
  for (const c of [err.name, err.Code, err.code]) if (typeof c === "string" && c !== "" && c !== "Error") return c;
  return "Error";
}

/** Credentials problems stop the run: no call can succeed, and the user must act. */
export function credentialsProblem(e: unknown, code: string, profile: string | undefined): UsageError | undefined {
  const message = e instanceof Error ? e.message : "";
  if (code === "CredentialsProviderError" || code === "TokenProviderError" || /Could not load credentials/i.test(message)) {
    if (/expired|refresh/i.test(message)) return new UsageError(EXPIRED_CREDENTIALS);
    // A named profile that does not resolve is a different mistake from no credentials at all.
    if (profile) {
      return new UsageError(`AWS profile "${profile}" was not found or gives no credentials: check its name in ~/.aws/config and ~/.aws/credentials (aws configure list-profiles), or run \`aws sso login --profile ${profile}\``);
    }
    return new UsageError(NO_CREDENTIALS);
  }
  if (EXPIRED.has(code)) return new UsageError(`${EXPIRED_CREDENTIALS} (${code})`);
  return undefined;
}

