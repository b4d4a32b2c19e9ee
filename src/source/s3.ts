// Reading S3, for `--snapshot s3://bucket/key` and `ecs-doctor history`:
// GetObject and ListObjectsV2 only (s3:GetObject and s3:ListBucket). The SDK
// is imported when an s3:// path or the archive is first read, never before.

import type { S3Client } from "@aws-sdk/client-s3";
import { UsageError } from "../errors.js";
import { codeOf, credentialsProblem } from "./aws-errors.js";

export interface S3ReadOptions {
  region?: string;
  profile?: string;
  /** Bounds each request (default 30 s). */
  timeoutMs?: number;
  /** A client of your own (tests, the benchmark). */
  client?: S3Client;
}

export interface S3Location {
  bucket: string;
  key: string;
}

/** "s3://bucket/key" → its bucket and key; a folder ("…/") means the snapshot.json the archive keeps in it. */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(url);
  if (!m?.[2]) throw new UsageError(`${url} is not an S3 object: give s3://BUCKET/KEY (an archived failure's snapshot.json)`);
  const key = m[2].endsWith("/") ? `${m[2]}snapshot.json` : m[2];
  return { bucket: m[1], key };
}

export interface S3Reader {
  /** The object's text; a missing or unreadable object is a UsageError that says what to do. */
  getText(bucket: string, key: string): Promise<string>;
  /** Every key under the prefix (all pages); a denied or failed listing is a UsageError naming s3:ListBucket. */
  listKeys(bucket: string, prefix: string): Promise<string[]>;
  /** The "folders" right under the prefix (CommonPrefixes with the delimiter "/"), each ending in "/". */
  listFolders(bucket: string, prefix: string): Promise<string[]>;
}

const NEEDS = "reading the archive needs s3:ListBucket on the bucket and s3:GetObject on its objects";

function deniedLike(code: string): boolean {
  return /AccessDenied|Forbidden|AllAccessDisabled|InvalidAccessKeyId/i.test(code);
}

export async function s3Reader(opts: S3ReadOptions = {}): Promise<S3Reader> {
  const { S3Client, GetObjectCommand, ListObjectsV2Command } = await import("@aws-sdk/client-s3");
  const env = process.env;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const make = (region?: string) =>
    new S3Client({
      ...(region ? { region } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      // A bucket in another region than the one configured answers with a redirect: follow it.
      followRegionRedirects: true,
      retryMode: "standard",
      customUserAgent: "ecs-doctor",
      requestHandler: { connectionTimeout: Math.min(5_000, timeoutMs), requestTimeout: Math.min(20_000, timeoutMs) },
    });
  let client = opts.client ?? make(opts.region || env.AWS_REGION || env.AWS_DEFAULT_REGION);
  if (!opts.client) {
    // No region anywhere (nor in the profile): any region finds the bucket, through the redirect.
    try {
      await client.config.region();
    } catch {
      client = make("us-east-1");
    }
  }
  const fail = (e: unknown, what: string, permission: string, resource: string): never => {
    const code = codeOf(e);
    const credentials = credentialsProblem(e, code, opts.profile);
    if (credentials) throw credentials;
    if (code === "NoSuchBucket") throw new UsageError(`${what}: bucket ${resource.split(":::")[1]?.split("/")[0]} does not exist: check the bucket name`);
    if (deniedLike(code)) throw new UsageError(`${what}: ${permission} was denied on ${resource}: grant it (${NEEDS})`);
    throw new UsageError(`${what}: ${code}: ${(e as Error)?.message ?? String(e)}`);
  };
  return {
    async getText(bucket, key) {
      let body: { transformToString(): Promise<string> } | undefined;
      try {
        body = (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body;
      } catch (e) {
        if (codeOf(e) === "NoSuchKey") throw new UsageError(`s3://${bucket}/${key} does not exist: check the key (ecs-doctor history --bucket ${bucket} lists the archive)`);
        fail(e, `cannot read s3://${bucket}/${key}`, "s3:GetObject", `arn:aws:s3:::${bucket}/${key}`);
      }
      if (!body) throw new UsageError(`s3://${bucket}/${key} is empty`);
      return body.transformToString();
    },
    async listKeys(bucket, prefix) {
      return (await list(bucket, prefix)).keys;
    },
    async listFolders(bucket, prefix) {
      return (await list(bucket, prefix, "/")).folders;
    },
  };

  async function list(bucket: string, prefix: string, delimiter?: string): Promise<{ keys: string[]; folders: string[] }> {
    const keys: string[] = [];
    const folders: string[] = [];
    let token: string | undefined;
    do {
      try {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, Delimiter: delimiter }));
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix) folders.push(p.Prefix);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } catch (e) {
        fail(e, `cannot list s3://${bucket}/${prefix}`, "s3:ListBucket", `arn:aws:s3:::${bucket}`);
      }
    } while (token);
    return { keys, folders };
  }
}
