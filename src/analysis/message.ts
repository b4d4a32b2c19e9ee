// Turns an ECS stop reason or container reason into structured signals.
//
// The messages come from three writers (the ECS agent on EC2, the Fargate
// agent, and the Docker daemon or containerd underneath them), and ECS cuts
// long ones short, so every rule here reads whatever text is present and never
// waits for a closing quote or bracket. Regexes are kept free of nested or
// overlapping quantifiers so a hostile 100 000-character reason stays linear.

/**
 * What failed: the image pull, the task's resource initialisation (secrets, registry auth, the log driver on
 * Fargate, EFS volumes), the execution role, another start-up step (`start`: the log driver on EC2, the task's
 * network interface, creating the container, an image that cannot run on the platform), or nothing that kept
 * the task from starting (`none`).
 */
export type Scope = "pull" | "init" | "assume-role" | "start" | "none";
/** The step that failed; "the stage decides the family" (findings.md): a cause of another step never ranks first on the message alone. */
export type Stage =
  | "registry-auth"
  | "manifest"
  | "layer"
  | "secrets"
  | "logs"
  | "efs"
  | "network-interface"
  | "container-create"
  | "container-start"
  | "execution-role"
  | "unknown";
export type FailureKind =
  | "timeout"
  | "refused"
  | "dns"
  | "tls"
  | "reset"
  | "canceled"
  | "unauthorized"
  | "forbidden"
  | "access-denied"
  | "not-found"
  | "rate-limit"
  | "platform"
  | "disk"
  | "assume-role"
  | "secret-not-found"
  | "invalid-parameter"
  | "insufficient-addresses"
  | "unknown";
export type Service =
  | "ecr-api"
  | "ecr-dkr"
  | "s3"
  | "docker-hub"
  | "ecr-public"
  | "secretsmanager"
  | "ssm"
  | "logs"
  | "kms"
  | "sts"
  | "efs"
  | "ec2"
  | "other-registry"
  | "unknown";

export interface MessageSignals {
  scope: Scope;
  stage: Stage;
  kind: FailureKind;
  /** Which endpoint the failing request went to, from the host. */
  service: Service;
  host?: string;
  ip?: string;
  port?: number;
  imageRef?: string;
  deniedAction?: string;
  deniedResource?: string;
  principal?: string;
  roleArn?: string;
  platform?: string;
  secretRef?: string;
  httpStatus?: number;
  /** For a `not-found`: whether the registry says the repository or the tag/digest is missing. */
  missing?: "repository" | "image";
  /** The CloudWatch log group the message names (`log-group:/ecs/web`). */
  logGroup?: string;
  /** The EFS file system the message names (`fs-0123...`, from its DNS name too). */
  fileSystemId?: string;
  accessPointId?: string;
  /** The subnet the message names (the network interface that could not be created there). */
  subnetId?: string;
  /** A container's exit code, where the message gives one. */
  exitCode?: number;
  /** True when the text looks cut short by ECS ("..." at the end, or a word cut mid-way). */
  truncated?: boolean;
  summary: string;
}

export const SCOPES: readonly Scope[] = ["pull", "init", "assume-role", "start", "none"];
export const STAGES: readonly Stage[] = [
  "registry-auth",
  "manifest",
  "layer",
  "secrets",
  "logs",
  "efs",
  "network-interface",
  "container-create",
  "container-start",
  "execution-role",
  "unknown",
];
export const FAILURE_KINDS: readonly FailureKind[] = [
  "timeout",
  "refused",
  "dns",
  "tls",
  "reset",
  "canceled",
  "unauthorized",
  "forbidden",
  "access-denied",
  "not-found",
  "rate-limit",
  "platform",
  "disk",
  "assume-role",
  "secret-not-found",
  "invalid-parameter",
  "insufficient-addresses",
  "unknown",
];
export const SERVICES: readonly Service[] = [
  "ecr-api",
  "ecr-dkr",
  "s3",
  "docker-hub",
  "ecr-public",
  "secretsmanager",
  "ssm",
  "logs",
  "kms",
  "sts",
  "efs",
  "ec2",
  "other-registry",
  "unknown",
];

/** Parses one ECS stop reason / container reason. Pure, synchronous, and never throws. */
export function parseMessage(message: string): MessageSignals {
  try {
    return parse(normalise(message));
  } catch {
    // A parser bug must not take the diagnosis down with it.
    return { scope: "none", stage: "unknown", kind: "unknown", service: "unknown", summary: "unreadable stop reason" };
  }
}

// ---------------------------------------------------------------------------
// Normalisation

function normalise(raw: unknown): string {
  const text = typeof raw === "string" ? raw : raw == null ? "" : String(raw);
  return (
    text
      // Agent log lines quote the reason as JSON: "\n\tstatus code: 400".
      .replace(/\\[nrt]/g, " ")
      .replace(/\\"/g, '"')
      // The agent writes "can’t" with a typographic apostrophe.
      .replace(/[\u2018\u2019]/g, "'")
      .replace(/\s+/g, " ")
      .trim()
  );
}

// ---------------------------------------------------------------------------
// Scope

const ASSUME_ROLE = /\bunable to assume the role\b/i;
const INIT =
  /ResourceInitializationError|failed to invoke EFS utils|unable to pull secrets or registry auth|execution resource retrieval failed|failed to validate logger args|unable to retrieve secrets? from (?:asm|ssm)|unable to (?:retrieve|get) (?:ecr )?registry auth|Fetching secret data from (?:SSM Parameter Store|AWS Secrets Manager)/i;
const PULL =
  /CannotPull(?:ECR)?Container|pull access denied|failed to resolve ref|failed to pull and unpack|(?:pull image manifest|ref pull|inspect image) has been retried|error pulling image|Error while pulling image|no matching manifest for|descriptor (?:matching|for) platform|toomanyrequests|manifest unknown|name unknown|failed to register layer|failed to extract layer|GetImageBlob|The task (?:can't|cannot) pull|httpRead(?:er)?Seeker|manifest for \S+ not found|repository \S+ not found|Tag \S+ not found in repository|no basic auth credentials|\b(?:Get|Head) "?https?:\/\/[^\s"/]+\/v[12]\//i;

/**
 * Errors of the steps after the pull: when one leads the message, the image was
 * pulled, whatever it wraps ("CannotStartContainerError: ResourceInitializationError:
 * unable to create new container: ... no such file or directory").
 */
const AFTER_PULL = /^\s*(?:CannotStartContainerError|CannotCreateContainerError|CannotInspectContainerError|CannotStopContainerError|ContainerRuntimeError|ContainerRuntimeTimeoutError|OutOfMemoryError)\b/;

/** ECS could not create the task's network interface (awsvpc): the task never got an address. */
const NETWORK_INTERFACE = /attempting to Create Network Interface|InsufficientFreeAddressesInSubnet|not have enough free addresses|network interface provisioning/i;
/** EFS utils (Fargate) and the ECS volume plugin (EC2) mounting an EFS volume. */
// On EC2 without EFS utils, Docker's local volume driver mounts the file system over NFS ("nfsvers=4.1").
const EFS_TEXT = /EFS utils|EFS volume|amazon-ecs-volume-plugin|VolumeDriver\.(?:Create|Mount)|Mount attempt \d+\/\d+ failed|mount\.nfs4?:|\bfs-[0-9a-f]{8,17}\.efs\.|nfsvers=/i;
/** The Docker log driver on EC2; Fargate says "failed to validate logger args" (an initialisation failure). */
const LOG_DRIVER_START = /failed to initialize logging driver/i;
/** The host's disk: no room on the file system, or Docker's devicemapper thin pool below its minimum. */
const HOST_DISK = /no space left on device|not enough space on the disk|Thin Pool has \d+ free/i;
/** A binary built for another CPU: seen in a container's log, or in the runtime's reason. */
const EXEC_FORMAT = /exec format error/i;
const CREATE_CONTAINER = /^\s*CannotCreateContainerError\b/;

function detectScope(text: string): Scope {
  if (AFTER_PULL.test(text)) {
    // After the pull, only the steps whose cause the configuration shows are start failures in scope
    // (findings.md "Scope"); a missing binary or an out-of-memory kill is the container's own business.
    if (LOG_DRIVER_START.test(text) || EXEC_FORMAT.test(text) || NETWORK_INTERFACE.test(text) || EFS_TEXT.test(text)) return "start";
    if (CREATE_CONTAINER.test(text) && HOST_DISK.test(text)) return "start";
    return "none";
  }
  if (ASSUME_ROLE.test(text)) return "assume-role";
  if (NETWORK_INTERFACE.test(text)) return "start";
  if (INIT.test(text)) return "init";
  if (PULL.test(text)) return "pull";
  if (LOG_DRIVER_START.test(text) || EXEC_FORMAT.test(text) || EFS_TEXT.test(text)) return "start";
  return "none";
}

// ---------------------------------------------------------------------------
// Truncation: ECS cuts reasons at a fixed length and appends "...", often
// mid-word ("context deadli..."). Completing a cut phrase only when exactly
// one known phrase fits keeps the guess honest.

const ELLIPSIS_END = /(?:\.{3}|\u2026)$/;
const CUT_PHRASES = [
  "context deadline exceeded",
  "context canceled",
  "i/o timeout",
  "no such host",
  "connection refused",
  "connection reset by peer",
  "no space left on device",
  "toomanyrequests",
  "manifest unknown",
  "not authorized to perform",
  "x509: certificate signed by unknown authority",
];
const MIN_CUT = 6;

function completeCutPhrase(text: string): string | undefined {
  const ellipsis = ELLIPSIS_END.test(text);
  const tail = trimEnd(text.slice(-64), " .\u2026\"'\\").toLowerCase();
  let found: string | undefined;
  for (const phrase of CUT_PHRASES) {
    for (let k = phrase.length - 1; k >= MIN_CUT; k--) {
      const prefix = phrase.slice(0, k);
      if (!tail.endsWith(prefix)) continue;
      const before = tail.charAt(tail.length - k - 1);
      if (before && isWordChar(before)) continue;
      // "pull image manifest" is a whole phrase; only a cut mid-word, or ECS's "...", says text is missing.
      if (!ellipsis && !(isWordChar(phrase.charAt(k - 1)) && isWordChar(phrase.charAt(k)))) continue;
      if (found && found !== phrase) return undefined; // ambiguous, say nothing
      found = phrase;
      break;
    }
  }
  return found;
}

function isWordChar(c: string): boolean {
  return /[a-z0-9]/i.test(c);
}

// Loops rather than /[...]+$/: an end-anchored class run rescans from every
// start position, which is quadratic on a long run that is not at the end.
function trimEnd(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s.charAt(end - 1))) end--;
  return s.slice(0, end);
}

function trimStart(s: string, chars: string): string {
  let start = 0;
  while (start < s.length && chars.includes(s.charAt(start))) start++;
  return s.slice(start);
}

// ---------------------------------------------------------------------------
// Extraction helpers

function firstGroup(text: string, re: RegExp): string | undefined {
  const m = re.exec(text);
  return m?.[1];
}

/** Strips what surrounds a token in prose: quotes, trailing punctuation, ECS's "...". */
function cleanToken(token: string | undefined): string | undefined {
  if (!token) return undefined;
  const out = trimEnd(trimStart(token, "\"'`({"), "\"'`)}],;.\u2026");
  return /[a-z0-9*]/i.test(out) ? out : undefined;
}

function cleanRef(token: string | undefined): string | undefined {
  return token ? cleanToken(trimEnd(cleanToken(token) ?? "", ":")) : undefined;
}

interface Url {
  host?: string; // undefined when ECS cut the host itself short
  hostHint: string; // whatever of the host survived, for service mapping
  path: string;
}

// Help links inside messages ("upgrading: https://www.docker.com/...") are not where the request went.
const DOC_HOST = /^(?:www\.|docs\.|aws\.amazon\.com$|repost\.aws$)/;

function parseUrl(url: string): Url | undefined {
  const rest = url.replace(/^https?:\/\//i, "");
  const cut = rest.search(/[/?#]/);
  let authority = cut === -1 ? rest : rest.slice(0, cut);
  const path = cut === -1 ? "" : rest.slice(cut);
  authority = authority.slice(authority.lastIndexOf("@") + 1);
  const truncated = authority.endsWith("..") || authority.endsWith("\u2026");
  const colon = authority.lastIndexOf(":");
  const bare = colon !== -1 && /^\d*$/.test(authority.slice(colon + 1)) ? authority.slice(0, colon) : authority;
  const hostname = trimEnd(bare, ".\u2026:").toLowerCase();
  if (!hostname) return undefined;
  return { host: truncated ? undefined : hostname, hostHint: hostname, path };
}

const REQUEST_URL = /\b(?:get|head|post|put)\s+"?(https?:\/\/[^\s"'\\]+)|unexpected status code\s+(https?:\/\/[^\s"'\\]+)/gi;
const ANY_URL = /https?:\/\/[^\s"'\\]+/gi;

/** The request that failed: the last URL the message says was requested, else the last non-help URL. */
function failingUrl(text: string): Url | undefined {
  let last: Url | undefined;
  for (const m of text.matchAll(REQUEST_URL)) {
    const u = parseUrl(m[1] ?? m[2] ?? "");
    if (u) last = u;
  }
  if (last) return last;
  for (const m of text.matchAll(ANY_URL)) {
    const u = parseUrl(m[0]);
    if (u && !DOC_HOST.test(u.hostHint)) last = u;
  }
  return last;
}

export function serviceForHost(host: string): Service {
  const h = host.toLowerCase().replace(/:\d+$/, "");
  if (/(?:^|\.)public\.ecr\.aws$/.test(h)) return "ecr-public";
  if (/(?:^|\.)dkr\.ecr[.-]/.test(h)) return "ecr-dkr";
  if (/^api\.ecr(?:[.-]|$)/.test(h) || /^ecr\.[a-z]{2}(?:-[a-z]+)+-\d+\.amazonaws\./.test(h)) return "ecr-api";
  if (/starport-layer-bucket|(?:^|\.)s3[.-]|^s3$/.test(h)) return "s3";
  if (/(?:^|\.)docker\.(?:io|com)$|^docker-images-prod\./.test(h)) return "docker-hub";
  if (/^secretsmanager[.-]/.test(h)) return "secretsmanager";
  if (/^ssm[.-]/.test(h)) return "ssm";
  if (/^logs[.-]/.test(h)) return "logs";
  if (/^kms[.-]/.test(h)) return "kms";
  if (/^sts(?:[.-]|$)/.test(h)) return "sts";
  return "other-registry";
}

/** The registry host an image reference names, or undefined for Docker Hub shorthand ("nginx", "org/app"). */
function registryOfRef(ref: string): string | undefined {
  const slash = ref.indexOf("/");
  if (slash === -1) return undefined;
  const first = ref.slice(0, slash);
  return /[.:]/.test(first) || first === "localhost" ? first.toLowerCase() : undefined;
}

function extractImageRef(text: string): string | undefined {
  const redacted = cleanRef(firstGroup(text, /REDACTED ECR URL related to (\S+)/i));
  if (redacted) return redacted;
  const tag = /\bTag (\S+) not found in repository (\S+)/i.exec(text);
  if (tag) {
    const repo = cleanRef(tag[2]);
    const t = cleanRef(tag[1]);
    if (repo) return t ? `${repo}:${t}` : repo;
  }
  const patterns = [
    /failed to (?:resolve ref(?:erence)?|pull and unpack image)\s+"?([^\s"]+)/i,
    /pull access denied for ([^\s,]+)/i,
    /manifest for (\S+) not found/i,
    /\brepository (\S+) not found/i,
    /The task (?:can't|cannot) pull '([^'\s]+)/i,
    /\bpull(?:ing)? image (?!manifest\b|configuration\b|conf\b|has\b|failed\b)"?([a-z0-9][^\s"]*)/i,
  ];
  for (const re of patterns) {
    const ref = cleanRef(firstGroup(text, re));
    if (ref) return ref;
  }
  const redactedGet = redactedLayerTarget(text);
  if (redactedGet) return redactedGet;
  return cleanRef(firstGroup(text, /repository with name '([^'\s]+)/i));
}

// Fargate hides the presigned S3 layer URL behind the image reference
// ("failed to copy: ...: Get 1234.dkr.ecr.../app:1: dial tcp ..."): the
// request still went to S3, not to the registry it names.
function redactedLayerTarget(text: string): string | undefined {
  if (!/failed to copy|httpRead(?:er)?Seeker/i.test(text)) return undefined;
  const target = cleanRef(firstGroup(text, /\b(?:Get|Head) (?!"?https?:|REDACTED)"?([^\s"]+)/i));
  if (!target) return undefined;
  // Checked by hand: a regex for "dotted host, then a path" backtracks badly on long tokens.
  const slash = target.indexOf("/");
  const host = slash === -1 ? "" : target.slice(0, slash);
  return host.includes(".") && /^[a-z0-9.-]+(?::\d+)?$/i.test(host) && slash < target.length - 1 ? target : undefined;
}

function extractIpPort(text: string): { ip?: string; port?: number } {
  // "read tcp 10.2.0.49:42728->23.20.95.219:443": the far end is after the arrow.
  const read = /->\s?(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})/.exec(text);
  if (read?.[1]) return { ip: read[1], port: Number(read[2]) };
  let found: { ip?: string; port?: number } = {};
  for (const m of text.matchAll(/dial tcp (?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9a-f:]+)\]):(\d{1,5})/gi)) {
    found = { ip: m[1] ?? m[2], port: Number(m[3]) };
  }
  return found;
}

function extractHttpStatus(text: string): number | undefined {
  const patterns = [
    /unexpected status code\s(?:[^\s]*:\s)?(\d{3})\b/i,
    /error parsing HTTP (\d{3}) response/i,
    /\b(401) Unauthorized|\b(403) Forbidden|\b(404) Not Found|\b(429) Too Many Requests/i,
    /\bAPI error \((\d{3})\)/i,
    /\bstatus ?code:? (\d{3})\b/i,
    // Not "HTTP code 500": that is the Docker client quoting its own daemon.
    /\bHTTP (\d{3})\b/i,
  ];
  for (const re of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    const code = Number(m.slice(1).find((g) => g !== undefined));
    // Docker wraps every daemon failure as "API error (500)": that status is the daemon's, not the registry's.
    if (re === patterns[3] && code === 500) continue;
    if (code >= 100 && code <= 599) return code;
  }
  return undefined;
}

function extractSecretRef(text: string, deniedResource: string | undefined): string | undefined {
  const fetched = cleanToken(firstGroup(text, /failed to fetch secret\s+(arn:\S+)/i));
  if (fetched) return fetched;
  const param = cleanToken(firstGroup(text, /(?:invalid (?:ssm )?parameters?|ParameterNotFound):\s*([^\s,]+)/i));
  if (param) return param;
  if (deniedResource && /:(?:secretsmanager|ssm):/.test(deniedResource)) return deniedResource;
  return cleanToken(firstGroup(text, /\b(arn:aws[a-z-]*:(?:secretsmanager|ssm):\S+)/i));
}

// ---------------------------------------------------------------------------
// Kind

const SECRETS_CONTEXT = /\b(?:asm|ssm|secrets ?manager|secretsmanager|parameter store|GetSecretValue|GetParameters?)\b|:secret:|:parameter\//i;
const LOGS_CONTEXT = /logger args|logging driver|log driver|cloudwatch log|\blog group\b|awslogs/i;

const KIND_RULES: ReadonlyArray<readonly [FailureKind, RegExp]> = [
  ["insufficient-addresses", /InsufficientFreeAddressesInSubnet|not have enough free addresses|sufficient free Ipv4 addresses/i],
  ["platform", /no matching manifest for|descriptor (?:matching|for) platform|does not match the specified platform|exec format error/i],
  ["disk", /no space left on device|not enough space on the disk|disk quota exceeded|Thin Pool has \d+ free/i],
  ["rate-limit", /toomanyrequests|too many requests|pull rate limit|rate exceeded|ThrottlingException/i],
  ["access-denied", /not authorized to perform|AccessDeniedException|Access to KMS is not allowed|access denied by server/i],
  ["invalid-parameter", /invalid (?:ssm )?parameters?:|InvalidParameter|did not contain json key|awslogs-[a-z-]+ is required|ValidationException|Validation error/i],
  // Docker Hub answers "pull access denied" both for private repositories and
  // for ones that do not exist; the fix starts with credentials either way.
  [
    "unauthorized",
    /pull access denied|may require 'docker login'|may require authorization|no basic auth credentials|\bunauthorized\b|authentication required|insufficient_scope|requested access to the resource is denied|incorrect username or password|authorization token has expired/i,
  ],
  ["not-found", /manifest unknown|name unknown|\bnot found\b|does not exist|ResourceNotFoundException|ParameterNotFound|can't find the specified/i],
  ["forbidden", /\b403 Forbidden\b|HTTP 403\b|\bForbidden\b/i],
  [
    "tls",
    /x509:|certificate signed by unknown authority|certificate has expired|certificate is (?:not )?valid|tls: failed to verify|remote error: tls|tls: handshake failure/i,
  ],
  // EFS utils: `Failed to resolve "fs-....efs.REGION.amazonaws.com"` (not the pull's "failed to resolve ref").
  ["dns", /no such host|server misbehaving|dial tcp: lookup |name resolution|could not resolve host|Failed to resolve (?:server )?"?fs-/i],
  ["refused", /connection refused/i],
  ["reset", /connection reset|forcibly closed/i],
  [
    "timeout",
    // "There is a connection issue between the task and Amazon CloudWatch": the newer wording for a request that got no answer.
    /i\/o timeout|deadline exceeded|Client\.Timeout|timed out|handshake timeout|request canceled while waiting for connection|did not properly respond after a period of time|connection issue between the task and|Timeout waiting for|failed due to timeout/i,
  ],
  ["canceled", /context canceled|RequestCanceled|request canceled|\bcanceled\b/i],
];

/** The registry's words for a repository, rather than a tag, that does not exist. */
const REPOSITORY_MISSING = /name unknown|RepositoryNotFoundException|repository with name \S+ does not exist|repository \S+ not found/i;

function detectKind(text: string, scope: Scope, httpStatus: number | undefined): FailureKind {
  if (scope === "assume-role") return "assume-role";
  for (const [kind, re] of KIND_RULES) {
    if (!re.test(text)) continue;
    if (kind === "not-found" && SECRETS_CONTEXT.test(text) && !LOGS_CONTEXT.test(text)) return "secret-not-found";
    return kind;
  }
  // AWS documents this wording as a subnet out of addresses, whether or not the EC2 error code survived ECS's cut.
  if (/attempting to Create Network Interface/i.test(text) && !/AuthFailure|RequestLimitExceeded|Rate limit exceeded|UnauthorizedOperation/i.test(text)) return "insufficient-addresses";
  switch (httpStatus) {
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not-found";
    case 429:
      return "rate-limit";
    default:
      return "unknown";
  }
}

// ---------------------------------------------------------------------------
// Stage

const REGISTRY_AUTH_TEXT = /GetAuthorizationToken|ecr registry auth|auth\.docker\.io\/token|\bapi\.ecr\b|failed to fetch (?:anonymous|oauth) token/i;
const LAYER_TEXT =
  /failed to copy|failed to fetch|register layer|extract layer|GetImageBlob|image configuration|image conf\b|blobs\/sha256|\blayers?\b|httpRead(?:er)?Seeker|unpack|REDACTED ECR URL|GetDownloadUrlForLayer/i;
const MANIFEST_TEXT =
  /failed to resolve ref|pull image manifest|manifest|name unknown|not found|does not exist|pull access denied|BatchGetImage|\/v[12]\/|descriptor|platform|toomanyrequests|rate limit|docker login/i;

function detectStage(
  text: string,
  scope: Scope,
  kind: FailureKind,
  service: Service,
  url: Url | undefined,
  deniedAction: string | undefined,
): Stage {
  if (scope === "none") return "unknown";
  if (scope === "assume-role") return "execution-role";
  if (scope === "start") {
    if (NETWORK_INTERFACE.test(text)) return "network-interface";
    if (EFS_TEXT.test(text)) return "efs";
    if (LOG_DRIVER_START.test(text)) return "logs";
    if (CREATE_CONTAINER.test(text) || kind === "disk") return "container-create";
    return "container-start";
  }
  if (scope === "init") {
    if (EFS_TEXT.test(text)) return "efs";
    if (LOGS_CONTEXT.test(text) || deniedAction?.startsWith("logs:")) return "logs";
    if (REGISTRY_AUTH_TEXT.test(text) || service === "ecr-api" || deniedAction?.startsWith("ecr:")) return "registry-auth";
    return "secrets";
  }
  // pull: the first request is for a token, then the manifest, then the layers.
  if (service === "ecr-api" || REGISTRY_AUTH_TEXT.test(text)) return "registry-auth";
  if (service === "s3" || (url && /\/blobs\//.test(url.path))) return "layer";
  if (url && /\/manifests\//.test(url.path)) return "manifest";
  if (kind === "disk" || LAYER_TEXT.test(text)) return "layer";
  if (MANIFEST_TEXT.test(text)) return "manifest";
  return "unknown";
}

// ---------------------------------------------------------------------------
// Service

const SERVICE_TEXT: ReadonlyArray<readonly [Service, RegExp]> = [
  ["ecr-api", /ecr registry auth|\bECR: GetAuthorizationToken|ecr:GetAuthorizationToken/i],
  ["secretsmanager", /\bfrom asm\b|secrets ?manager|secretsmanager:|GetSecretValue/i],
  ["ssm", /\bfrom ssm\b|\bSSM: |ssm:GetParameters?|SSM Parameter Store/i],
  ["logs", LOGS_CONTEXT],
];

const ACTION_SERVICE: ReadonlyArray<readonly [Service, RegExp]> = [
  ["ecr-api", /^ecr:GetAuthorizationToken$/i],
  ["ecr-dkr", /^ecr:/i],
  ["secretsmanager", /^secretsmanager:/i],
  ["ssm", /^ssm:/i],
  ["logs", /^logs:/i],
  ["kms", /^kms:/i],
  ["sts", /^sts:/i],
];

interface Where {
  service: Service;
  host?: string;
}

function detectService(
  text: string,
  scope: Scope,
  url: Url | undefined,
  imageRef: string | undefined,
  deniedAction: string | undefined,
  redactedLayer: boolean,
): Where {
  if (scope === "assume-role") return { service: "sts" };
  if (NETWORK_INTERFACE.test(text)) return { service: "ec2" };
  if (EFS_TEXT.test(text)) {
    // The file system's DNS name, unless ECS cut it short ("fs-0867a83d8ed398433.efs.").
    const host = firstGroup(text, /\b(fs-[0-9a-f]{8,17}\.efs\.[a-z]{2}(?:-[a-z]+)+-\d+\.amazonaws\.com(?:\.cn)?)\b/i);
    return host ? { service: "efs", host: host.toLowerCase() } : { service: "efs" };
  }
  if (redactedLayer) return { service: "s3" };
  if (url) return { service: serviceForHost(url.hostHint), host: url.host };
  const lookup = cleanToken(firstGroup(text, /\blookup ([a-z0-9][a-z0-9.-]*)/i));
  if (lookup?.includes(".")) return { service: serviceForHost(lookup), host: lookup };
  for (const [service, re] of SERVICE_TEXT) if (re.test(text)) return { service };
  const repoUri = cleanRef(firstGroup(text, /from the Amazon ECR repository '([^'\s]+)/i));
  const ref = repoUri ?? imageRef;
  const registry = ref ? registryOfRef(ref) : undefined;
  if (registry) return { service: serviceForHost(registry), host: registry };
  if (deniedAction) for (const [service, re] of ACTION_SERVICE) if (re.test(deniedAction)) return { service };
  // A reference without a registry host is Docker Hub shorthand ("nginx", "org/app").
  if (ref && scope === "pull") return { service: "docker-hub" };
  if (/pull rate limit|increase-rate-limit/i.test(text)) return { service: "docker-hub" };
  return { service: "unknown" };
}

// ---------------------------------------------------------------------------
// Summary

const SERVICE_LABEL: Record<Service, string> = {
  "ecr-api": "ECR API",
  "ecr-dkr": "ECR registry",
  s3: "S3",
  "docker-hub": "Docker Hub",
  "ecr-public": "ECR Public",
  secretsmanager: "Secrets Manager",
  ssm: "SSM Parameter Store",
  logs: "CloudWatch Logs",
  kms: "KMS",
  sts: "STS",
  efs: "EFS",
  ec2: "EC2",
  "other-registry": "registry",
  unknown: "",
};

const STAGE_PHRASE: Record<Stage, string> = {
  "registry-auth": "while getting the registry auth token",
  manifest: "while fetching the manifest",
  layer: "while downloading layers",
  secrets: "while retrieving secrets",
  logs: "while setting up CloudWatch logging",
  efs: "while mounting the EFS volume",
  "network-interface": "while creating the task's network interface",
  "container-create": "while creating the container",
  "container-start": "while starting the container",
  "execution-role": "",
  unknown: "",
};

function roleName(principal: string): string {
  const assumed = /:assumed-role\/([^/\s]+)/.exec(principal);
  if (assumed?.[1]) return assumed[1];
  return principal.slice(principal.lastIndexOf(":") + 1) || principal;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

const CONNECTION_ISSUE = /connection issue between the task and (?:Amazon |AWS )?([A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)?)/;

function summarise(s: Omit<MessageSignals, "summary">, text: string): string {
  if (s.scope === "none") return text ? `not an image pull failure: ${clip(text, 100)}` : "empty stop reason";
  const label = SERVICE_LABEL[s.service];
  const place = s.ip ? `${s.ip}${s.port ? `:${s.port}` : ""}` : (s.host ?? label);
  const target = place ? `${place}${label && place !== label ? ` (${label})` : ""}` : "";
  const at = (word: string) => (target ? ` ${word} ${target}` : "");
  let head: string;
  switch (s.kind) {
    case "timeout": {
      const unreachable = CONNECTION_ISSUE.exec(text);
      head = unreachable ? `no connection from the task to ${unreachable[1]}` : `timed out connecting${at("to")}`;
      break;
    }
    case "refused":
      head = `connection refused${at("by")}`;
      break;
    case "reset":
      head = `connection reset${at("by")}`;
      break;
    case "dns":
      head =
        s.stage === "efs"
          ? `could not resolve the DNS name of ${s.fileSystemId ?? "the EFS file system"} (no mount target in the task's Availability Zone, or VPC DNS off)`
          : `could not resolve ${s.host ?? (label || "the endpoint's name")}`;
      break;
    case "tls":
      head = `TLS certificate not trusted${at("for")}`;
      break;
    case "canceled":
      head = `request canceled${at("to")}`;
      break;
    case "unauthorized": {
      const why = /repository does not exist/i.test(text)
        ? "the repository does not exist or needs credentials"
        : "credentials missing or rejected";
      return `${label || "registry"} denied the pull${s.imageRef ? ` of ${s.imageRef}` : ""}: ${why}`;
    }
    case "forbidden":
      head = `403 Forbidden${at("from")}`;
      break;
    case "access-denied": {
      if (s.stage === "efs" && !s.deniedAction) {
        head = `${s.fileSystemId ?? "the EFS file system"} refused the mount (access denied by server)`;
        break;
      }
      const who = s.principal ? roleName(s.principal) : "the role";
      const what = s.deniedAction ?? (/KMS/i.test(text) ? "to use the KMS key" : "the call");
      const on = s.deniedResource && s.deniedResource !== "*" ? ` on ${s.deniedResource}` : "";
      head = `${who} is not allowed ${what}${on}`;
      break;
    }
    case "not-found":
      head = s.stage === "logs" ? `CloudWatch log group not found${s.logGroup ? `: ${s.logGroup}` : ""}` : `${s.missing === "repository" ? "repository" : "image"} not found${s.imageRef ? `: ${s.imageRef}` : ""}`;
      break;
    case "rate-limit":
      head = `${label || "registry"} rate limit reached`;
      break;
    case "platform":
      if (/exec format error/i.test(text)) return "the image's executable is built for another CPU architecture (exec format error)";
      return `image has no ${s.platform ?? "matching"} variant${s.imageRef ? ` (${s.imageRef})` : ""}`;
    case "disk":
      return s.stage === "container-create"
        ? `the host ran out of disk space while creating the container${/Thin Pool/i.test(text) ? " (devicemapper thin pool)" : ""}`
        : "ran out of disk space while extracting image layers";
    case "insufficient-addresses":
      return `${s.subnetId ?? "the subnet"} has no free IP address for the task's network interface`;
    case "assume-role":
      return `ECS could not assume ${s.roleArn ?? "the role"}`;
    case "secret-not-found":
      return `secret or parameter not found${s.secretRef ? `: ${s.secretRef}` : ""}`;
    case "invalid-parameter":
      return s.stage === "logs"
        ? "invalid awslogs configuration"
        : `invalid secret or parameter reference${s.secretRef ? `: ${s.secretRef}` : ""}`;
    default: {
      // The newer ECS wording names the service it could not reach.
      const unreachable = CONNECTION_ISSUE.exec(text);
      if (unreachable) head = `no connection from the task to ${unreachable[1]}`;
      else if (s.scope === "init" && s.stage === "secrets" && s.secretRef) head = `could not fetch ${s.secretRef}`;
      else if (s.scope === "init") head = "task initialization failed";
      else if (s.scope === "start") head = "the task could not start";
      else head = `image pull failed${s.imageRef ? ` for ${s.imageRef}` : ""}${at("at")}`;
    }
  }
  const stage = STAGE_PHRASE[s.stage];
  return stage ? `${head} ${stage}` : head;
}

// ---------------------------------------------------------------------------

function parse(text: string): MessageSignals {
  const cut = completeCutPhrase(text);
  const truncated = ELLIPSIS_END.test(text) || cut !== undefined;
  // Kind rules read the completed phrase; extraction reads only what is there.
  const kindText = cut ? `${text} ${cut}` : text;

  const scope = detectScope(text);
  const deniedAction = cleanToken(firstGroup(text, /not authorized to perform:?\s*([a-z0-9-]+:[a-z0-9*]+)/i));
  const resource = cleanToken(firstGroup(text, /not authorized to perform:?\s*\S+ on resource:?\s*(\S+)/i));
  const deniedResource = resource && /^(?:arn:|\*)/.test(resource) ? resource : undefined;
  const principal = cleanToken(firstGroup(text, /\bUser:\s*(arn:\S+) is not authorized/i)?.replace(/\/(?:\.{3}|\u2026)$/, ""));
  const roleArn = cleanToken(firstGroup(text, /assume the role\s*'?(arn:[^\s']+)/i));
  const platform = cleanToken(
    firstGroup(text, /(?:no matching manifest for|descriptor (?:matching|for) platform)\s*'?\{?([a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?)/i),
  );
  const imageRef = extractImageRef(text);
  const redactedLayer = /REDACTED ECR URL/i.test(text) || redactedLayerTarget(text) !== undefined;
  const url = redactedLayer ? undefined : failingUrl(text);
  const { ip, port } = extractIpPort(text);
  const httpStatus = extractHttpStatus(text);
  const secretRef = extractSecretRef(text, deniedResource);
  const logGroup = cleanToken(firstGroup(text, /\blog-group:([^\s:]+)/) ?? firstGroup(text, /\bawslogs-group[=:]\s*"?([^\s",]+)/));
  const fileSystemId = firstGroup(text, /\b(fs-[0-9a-f]{8,17})\b/i)?.toLowerCase();
  const accessPointId = firstGroup(text, /\b(fsap-[0-9a-f]{8,17})\b/i)?.toLowerCase();
  const subnetId = firstGroup(text, /\b(subnet-[0-9a-f]{8,17})\b/i)?.toLowerCase();
  const exit = firstGroup(text, /\bexit(?:ed with(?: exit)?)? code[:=]? ?(\d{1,3})\b/i);
  const exitCode = exit === undefined ? undefined : Number(exit);

  const kind = detectKind(kindText, scope, httpStatus);
  const missing = kind === "not-found" && scope === "pull" ? (REPOSITORY_MISSING.test(text) ? "repository" : "image") : undefined;
  const where = detectService(text, scope, url, imageRef, deniedAction, redactedLayer);
  const stage = detectStage(text, scope, kind, where.service, url, deniedAction);

  const signals: Omit<MessageSignals, "summary"> = {
    scope,
    stage,
    kind,
    service: where.service,
    ...(where.host !== undefined && { host: where.host }),
    ...(ip !== undefined && { ip }),
    ...(port !== undefined && Number.isFinite(port) && { port }),
    ...(imageRef !== undefined && { imageRef }),
    ...(deniedAction !== undefined && { deniedAction }),
    ...(deniedResource !== undefined && { deniedResource }),
    ...(principal !== undefined && { principal }),
    ...(roleArn !== undefined && { roleArn }),
    ...(platform !== undefined && { platform: platform.toLowerCase() }),
    ...(secretRef !== undefined && { secretRef }),
    ...(httpStatus !== undefined && { httpStatus }),
    ...(logGroup !== undefined && { logGroup }),
    ...(fileSystemId !== undefined && { fileSystemId }),
    ...(accessPointId !== undefined && { accessPointId }),
    ...(subnetId !== undefined && { subnetId }),
    ...(exitCode !== undefined && { exitCode }),
    ...(truncated && { truncated }),
    ...(missing !== undefined && { missing }),
  };
  const summary = clip(summarise(signals, text), 200) || "unreadable stop reason";
  return { ...signals, summary };
}
