// `ecs-doctor record --redact`: a snapshot a customer can share. Replaced,
// consistently (the same input gives the same output everywhere in the file,
// inside ARNs, messages, image references and policy documents):
//
// - account ids (12 digits) → 000000000001, 000000000002, ...
// - IP addresses, v4 and v6, with a prefix-preserving keyed permutation: two
//   addresses that share their first n bits still do, so every CIDR keeps its
//   prefix length and still contains exactly the addresses it contained
//   (subnets stay inside their VPC, routes and rules match as before).
//   Private, shared, link-local and multicast ranges map into themselves and
//   public addresses stay public; 0.0.0.0/0 and ::/0 are unchanged.
// - names people give: roles, instance profiles, customer managed policies,
//   ECR repositories (each path segment), clusters, services, task definition
//   families, secrets, SSM parameters, CloudWatch Logs log groups (each path
//   segment) and KMS aliases. (Not security group
//   names: they are often plain words, "endpoints", that messages use too.)
//
// Kept: AWS resource ids (subnet-…, vpc-…, sg-…, rtb-…, eni-…, i-…, task ids,
// image digests). They are random, say nothing about the business, mean
// nothing outside the (redacted) account, and the report's evidence and fix
// commands cite them: the person who shares the file can still map the
// report back to their account. Region and AWS-owned names (managed
// policies, service principals, endpoint service names) are kept too.

import { createHmac, randomBytes } from "node:crypto";
import ipaddr from "ipaddr.js";
import type { Snapshot } from "./snapshot.js";

export interface RedactOptions {
  /** The key of the IP permutation; random unless given (tests give one). */
  key?: string | Buffer;
}

export interface Redaction {
  snapshot: Snapshot;
  /** How many distinct values of each kind were replaced. */
  counts: { accounts: number; addresses: number; names: number };
  /** Redacts any other text the same way (a report of the original snapshot, for comparison). */
  text(s: string): string;
}

// ---------- IP addresses ----------

interface Range { bits: number[]; len: number; whole: boolean }

function bitsOf(bytes: number[]): number[] {
  return bytes.flatMap((b) => Array.from({ length: 8 }, (_, i) => (b >> (7 - i)) & 1));
}

function range(cidr: string, whole: boolean): Range {
  const [addr, len] = ipaddr.parseCIDR(cidr);
  return { bits: bitsOf(addr.toByteArray()), len, whole };
}

/** Ranges mapped into themselves: the first `len` bits are kept; `whole`: every bit is. */
const KEPT = {
  ipv4: [
    range("0.0.0.0/8", true), range("127.0.0.0/8", true), range("169.254.0.0/16", true), range("224.0.0.0/3", true),
    range("10.0.0.0/8", false), range("100.64.0.0/10", false), range("172.16.0.0/12", false), range("192.168.0.0/16", false),
  ],
  ipv6: [range("::/8", true), range("fe80::/10", true), range("ff00::/8", true), range("64:ff9b::/96", true), range("fc00::/7", false)],
};
/** Leading bits every address keeps: the first octet of IPv4, the first 16 bits of IPv6 (2600:…, fd12:…). */
const LEAD = { ipv4: 8, ipv6: 16 };

class AddressPermutation {
  private readonly flips = new Map<string, number>();
  constructor(private readonly key: string | Buffer) {}

  private flip(family: "ipv4" | "ipv6", prefix: number[]): number {
    const i = prefix.length;
    if (i < LEAD[family]) return 0;
    for (const r of KEPT[family]) {
      const onPath = (n: number) => prefix.slice(0, n).every((b, j) => b === r.bits[j]);
      if (i < r.len && onPath(i)) return 0;
      if (r.whole && i >= r.len && onPath(r.len)) return 0;
    }
    const id = `${family}:${prefix.join("")}`;
    let f = this.flips.get(id);
    if (f === undefined) {
      f = createHmac("sha256", this.key).update(id).digest()[0] & 1;
      this.flips.set(id, f);
    }
    return f;
  }

  /** The address mapped bit by bit: bit i flips by a keyed function of the bits before it. */
  map(addr: ipaddr.IPv4 | ipaddr.IPv6, prefixLength?: number): string {
    const family = addr.kind();
    const input = bitsOf(addr.toByteArray());
    const out: number[] = [];
    for (let i = 0; i < input.length; i++) out.push(input[i] ^ this.flip(family, input.slice(0, i)));
    // A CIDR's host bits are zero, as AWS prints them.
    if (prefixLength !== undefined) for (let i = prefixLength; i < out.length; i++) out[i] = 0;
    const bytes = Array.from({ length: out.length / 8 }, (_, b) => out.slice(b * 8, b * 8 + 8).reduce((v, bit) => (v << 1) | bit, 0));
    return ipaddr.fromByteArray(bytes).toString();
  }
}

const IPV4 = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?![\d]|\.\d)/g;
const IPV6 = /(?<![\w.:-])((?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?)(?:\/(\d{1,3}))?(?![\w:])/g;

// ---------- names ----------

/** Words that are never taken for a customer's name, though a name may equal one. */
const COMMON = new Set([
  "default", "aws", "amazon", "amazonaws", "com", "latest", "ecs", "ecr", "api", "dkr", "s3", "logs", "kms", "ssm", "sts", "iam", "ec2",
  "secretsmanager", "service", "services", "task", "tasks", "role", "roles", "repository", "secret", "parameter", "cluster", "policy",
  "arn", "the", "and", "for", "not", "with", "from", "to", "of", "in", "on", "is", "a", "an", "or", "by", "no", "as", "at", "be", "it",
  "image", "images", "registry", "true", "false", "null", "none", "main", "app", "public", "private",
  // The replacements' own prefixes.
  "repo", "family", "param", "alias", "profile",
]);

const ACCOUNT = /(?<![A-Za-z0-9])\d{12}(?![A-Za-z0-9])/g;
const NAME_CHARS = "[\\w+=,.@-]";

/** Patterns whose groups name things; `kind` prefixes the replacement. Segments of a/b/c names are mapped one by one. */
const NAMED: { kind: string; re: RegExp }[] = [
  { kind: "role", re: new RegExp(`:iam::\\d{12}:role/((?:${NAME_CHARS}+/)*${NAME_CHARS}+)`, "g") },
  { kind: "role", re: new RegExp(`:assumed-role/(${NAME_CHARS}+)/`, "g") },
  { kind: "profile", re: new RegExp(`:iam::\\d{12}:instance-profile/((?:${NAME_CHARS}+/)*${NAME_CHARS}+)`, "g") },
  { kind: "policy", re: new RegExp(`:iam::\\d{12}:policy/((?:${NAME_CHARS}+/)*${NAME_CHARS}+)`, "g") },
  { kind: "cluster", re: /:ecs:[a-z0-9-]+:\d{12}:(?:cluster|task|container-instance|service)\/([\w-]+)/g },
  { kind: "service", re: /:ecs:[a-z0-9-]+:\d{12}:service\/[\w-]+\/([\w-]+)/g },
  { kind: "family", re: /:ecs:[a-z0-9-]+:\d{12}:task-definition\/([\w-]+)/g },
  { kind: "repo", re: /:ecr:[a-z0-9-]+:\d{12}:repository\/([a-z0-9._/-]+)/g },
  { kind: "repo", re: /\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/([a-z0-9._/-]+)/g },
  { kind: "secret", re: /:secretsmanager:[a-z0-9-]+:\d{12}:secret:([\w/+=.@-]+?)(?:-[A-Za-z0-9]{6})?(?![\w/+=.@-])/g },
  { kind: "param", re: /:ssm:[a-z0-9-]+:\d{12}:parameter\/?((?:[\w.-]+\/)*[\w.-]+)/g },
  { kind: "alias", re: /alias\/((?!aws\/)[\w/-]+)/g },
  { kind: "log", re: /:logs:[a-z0-9-]+:\d{12}:log-group:([\w./#-]+?)(?=:|$|\s)/g },
];

/** Structured fields that hold names, by the kind of name. */
function structuredNames(s: Snapshot): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const t of s.ecs?.tasks ?? []) out.push(["service", t.group?.startsWith("service:") ? t.group.slice(8) : undefined]);
  for (const d of s.ecs?.taskDefinitions ?? []) out.push(["family", d.family]);
  for (const v of s.ecs?.services ?? []) out.push(["service", v.serviceName]);
  for (const r of s.ecr?.repositories ?? []) out.push(["repo", r.repositoryName]);
  for (const r of s.ecr?.imageDetails ?? []) out.push(["repo", r.repositoryName]);
  for (const r of s.ecr?.images ?? []) out.push(["repo", r.repositoryName]);
  for (const r of s.ecr?.repositoryPolicies ?? []) out.push(["repo", r.repositoryName]);
  for (const r of s.ecr?.pullThroughCacheRules ?? []) out.push(["repo", r.ecrRepositoryPrefix]);
  for (const r of s.iam?.Roles ?? []) out.push(["role", r.RoleName]);
  for (const p of s.iam?.InstanceProfiles ?? []) {
    out.push(["profile", p.InstanceProfileName]);
    for (const r of p.Roles ?? []) out.push(["role", r.RoleName]);
  }
  for (const x of s.secretsmanager?.secrets ?? []) out.push(["secret", x.Name]);
  for (const p of s.ssm?.Parameters ?? []) out.push(["param", p.Name]);
  for (const g of s.logs?.logGroups ?? []) out.push(["log", g.logGroupName]);
  for (const d of s.ecs?.taskDefinitions ?? []) for (const c of d.containerDefinitions ?? []) out.push(["log", c.logConfiguration?.options?.["awslogs-group"]]);
  for (const a of s.kms?.Aliases ?? []) if (!a.AliasName?.startsWith("alias/aws/")) out.push(["alias", a.AliasName?.replace(/^alias\//, "")]);
  // File systems and access points carry the names people give them (their Name tag); their ids stay.
  for (const f of s.efs?.FileSystems ?? []) out.push(["filesystem", f.Name]);
  for (const a of s.efs?.AccessPoints ?? []) out.push(["accesspoint", a.Name]);
  return out;
}

/** Keys whose values are AWS vocabulary or the file's own fields, never redacted. */
const KEEP_KEYS = new Set(["format", "region", "capturedAt", "call", "code"]);

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function redactSnapshot(snapshot: Snapshot, options: RedactOptions = {}): Redaction {
  const permutation = new AddressPermutation(options.key ?? randomBytes(32));
  const addresses = new Map<string, string>();
  const accounts = new Map<string, string>();
  const names = new Map<string, string>();
  const perKind = new Map<string, number>();

  // Every string of the file, to find what to replace.
  const strings: string[] = [];
  const collect = (v: unknown, key?: string) => {
    if (typeof v === "string") {
      if (!key || !KEEP_KEYS.has(key)) strings.push(v);
    } else if (Array.isArray(v)) for (const x of v) collect(x);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) collect(x, k);
  };
  collect(snapshot);

  const addName = (kind: string, name: string | undefined) => {
    for (const segment of (name ?? "").split("/")) {
      if (segment.length < 2 || names.has(segment) || COMMON.has(segment.toLowerCase()) || /^\d+$/.test(segment)) continue;
      // AWS's own names stay: AWS managed roles and policies, service-linked roles.
      if (/^(AWS|Amazon)[A-Z]/.test(segment) || segment === "service-role" || segment === "aws-service-role") continue;
      const n = (perKind.get(kind) ?? 0) + 1;
      perKind.set(kind, n);
      names.set(segment, `${kind}-${n}`);
    }
  };
  for (const [kind, name] of structuredNames(snapshot)) addName(kind, name);
  for (const s of strings) for (const { kind, re } of NAMED) for (const m of s.matchAll(re)) addName(kind, m[1]);
  for (const s of strings) {
    for (const m of s.matchAll(ACCOUNT)) {
      if (!accounts.has(m[0])) accounts.set(m[0], String(accounts.size + 1).padStart(12, "0"));
    }
  }

  const nameList = [...names.keys()].sort((a, b) => b.length - a.length);
  const nameRe = nameList.length > 0
    ? new RegExp(`(?<![A-Za-z0-9_.-])(${nameList.map(escapeRegex).join("|")})(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`, "g")
    : undefined;
  // A secret's ARN ends in -XXXXXX: its name is followed by a hyphen there.
  const secretArn = /(:secretsmanager:[a-z0-9-]+:\d{12}:secret:)([\w/+=.@-]+?)(-[A-Za-z0-9]{6})(?![\w/+=.@-])/g;

  const address = (text: string, prefix: string | undefined): string => {
    const key = `${text}/${prefix ?? ""}`;
    let out = addresses.get(key);
    if (out === undefined) {
      const addr = ipaddr.parse(text.replace(/%\w+$/, ""));
      const len = prefix === undefined ? undefined : Number(prefix);
      out = permutation.map(addr, len) + (prefix === undefined ? "" : `/${prefix}`);
      addresses.set(key, out);
    }
    return out;
  };

  const text = (s: string): string => {
    let r = s.replace(IPV4, (whole, ip: string, prefix: string | undefined) => {
      if (!ipaddr.IPv4.isValidFourPartDecimal(ip) || (prefix !== undefined && Number(prefix) > 32)) return whole;
      return address(ip, prefix);
    });
    r = r.replace(IPV6, (whole, ip: string, prefix: string | undefined) => {
      if (!ipaddr.IPv6.isValid(ip.replace(/%\w+$/, "")) || !/[0-9A-Fa-f]/.test(ip) || (prefix !== undefined && Number(prefix) > 128)) return whole;
      return address(ip, prefix);
    });
    r = r.replace(ACCOUNT, (a) => accounts.get(a) ?? a);
    r = r.replace(secretArn, (_w, head: string, name: string, tail: string) => head + name.split("/").map((seg) => names.get(seg) ?? seg).join("/") + tail);
    if (nameRe) r = r.replace(nameRe, (n) => names.get(n) ?? n);
    return r;
  };

  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === "string") return key && KEEP_KEYS.has(key) ? v : text(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  const out = walk(snapshot) as Snapshot;
  return {
    snapshot: out,
    counts: { accounts: accounts.size, addresses: new Set(addresses.values()).size, names: names.size },
    text,
  };
}
