// A small IAM policy evaluator, written for ecs-doctor's one question: may this
// role pull this image? It follows the documented IAM evaluation logic
// (explicit Deny > Allow > implicit deny, boundaries intersect) and is
// three-valued: whatever depends on a request value we cannot know offline is
// "unknown", never guessed. Documents come from untrusted JSON, so nothing here
// throws; a statement IAM would reject is ignored and reported in a note.

import ipaddr from "ipaddr.js";

export type Decision = "allowed" | "explicit-deny" | "implicit-deny" | "unknown";

export interface RequestContext {
  action: string;
  resource: string;
  principalArn?: string;
  principalAccount?: string;
  principalService?: string;
  /**
   * Condition keys whose values are known (lower-case keys, e.g. "aws:sourceaccount").
   * Others are unknown offline. An empty array means the key is known to be absent.
   */
  context?: Record<string, string | string[]>;
}

export interface MatchedStatement {
  policy: string;
  sid?: string;
  effect: "Allow" | "Deny";
  /** The match depends on a value not known offline (or assumed, see trustAllowsService). */
  conditional: boolean;
}

export interface Evaluation {
  decision: Decision;
  matched: MatchedStatement[];
  unknownConditions: string[];
  notes: string[];
}

export interface NamedPolicy {
  name: string;
  document: unknown;
}

// ---------- three-valued logic ----------

type Tri = "yes" | "no" | "maybe";

function and(a: Tri, b: Tri): Tri {
  if (a === "no" || b === "no") return "no";
  return a === "maybe" || b === "maybe" ? "maybe" : "yes";
}

function or(a: Tri, b: Tri): Tri {
  if (a === "yes" || b === "yes") return "yes";
  return a === "maybe" || b === "maybe" ? "maybe" : "no";
}

function not(a: Tri): Tri {
  return a === "yes" ? "no" : a === "no" ? "yes" : "maybe";
}

// ---------- small helpers for untrusted JSON ----------

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// Own properties only: a key like "constructor" must not reach Object.prototype.
function own(obj: Json, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function has(obj: Json, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** A string or a non-empty array of strings; undefined when the shape is wrong. */
function stringList(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) return v as string[];
  return undefined;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 200 ? s.slice(0, 200) + "…" : s);
}

// ---------- wildcard matching ----------

const STAR = -1;
const ONE = -2;

/** One piece of a pattern: wildcard text, or literal text (a resolved variable, `${*}`). */
type Piece = { text: string; literal: boolean };

function tokens(pieces: Piece[]): number[] {
  const out: number[] = [];
  for (const p of pieces) {
    for (const ch of p.text) {
      const cp = ch.codePointAt(0) ?? 0;
      if (!p.literal && ch === "*") out.push(STAR);
      else if (!p.literal && ch === "?") out.push(ONE);
      else out.push(cp);
    }
  }
  return out;
}

// Greedy matcher with one backtrack point: O(n·m) worst case, so a hostile
// pattern like "*a*a*a*a*b" cannot stall the tool the way a regex could.
function globTokens(pattern: number[], value: string): boolean {
  const s = Array.from(value, (c) => c.codePointAt(0) ?? 0);
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < s.length) {
    if (i < pattern.length && (pattern[i] === ONE || pattern[i] === s[j])) {
      i++;
      j++;
    } else if (i < pattern.length && pattern[i] === STAR) {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else {
      return false;
    }
  }
  while (i < pattern.length && pattern[i] === STAR) i++;
  return i === pattern.length;
}

function glob(pattern: string, value: string): boolean {
  return globTokens(tokens([{ text: pattern, literal: false }]), value);
}

/** IAM's action match: case-insensitive, `*` and `?` wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  if (typeof pattern !== "string" || typeof action !== "string") return false;
  return glob(pattern.toLowerCase(), action.toLowerCase());
}

/**
 * IAM's resource match: case-sensitive, `*` and `?` may span "/" and ":".
 * Policy variables are not resolved here (see the evaluators).
 */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (typeof pattern !== "string" || typeof resource !== "string") return false;
  return glob(pattern, resource);
}

// ---------- request context and policy variables ----------

interface Ctx {
  /** lower-case key -> values; [] means known absent. */
  values: Map<string, string[]>;
  /** Whether ${...} is a variable: only in Version 2012-10-17 documents. */
  variables: boolean;
  /** Keys to treat as satisfied when unknown (trust policies: ECS supplies them). */
  assumeKeys: Set<string>;
  effect: "Allow" | "Deny";
  unknown: string[];
  assumed: string[];
}

function buildValues(request: RequestContext): Map<string, string[]> {
  const m = new Map<string, string[]>();
  // aws:PrincipalAccount / aws:PrincipalArn follow from the request itself.
  const account = principalAccountOf(request);
  if (account) m.set("aws:principalaccount", [account]);
  const arn = request.principalArn;
  if (arn && !/^arn:[^:]+:sts::/.test(arn)) m.set("aws:principalarn", [arn]);
  if (request.principalService !== undefined) m.set("aws:principalservicename", [request.principalService]);
  const ctx = request.context;
  if (isObject(ctx)) {
    for (const key of Object.keys(ctx)) {
      const v = ctx[key];
      if (typeof v === "string") m.set(key.toLowerCase(), [v]);
      else if (Array.isArray(v)) m.set(key.toLowerCase(), v.filter((x): x is string => typeof x === "string"));
    }
  }
  return m;
}

function principalAccountOf(request: RequestContext): string | undefined {
  if (request.principalAccount) return request.principalAccount;
  const arn = request.principalArn?.split(":") ?? [];
  return arn.length >= 6 && arn[0] === "arn" && arn[4] ? arn[4] : undefined;
}

type Resolved = { pieces: Piece[]; state: Tri };

// Splits "${key}" / "${key, 'default'}" out of a policy value. An unknown key
// becomes a "*" piece with state "maybe", so "can this match at all?" still
// gets a definite "no" when even a wildcard cannot make it match.
function resolveVariables(text: string, ctx: Ctx): Resolved {
  if (!ctx.variables || !text.includes("${")) return { pieces: [{ text, literal: false }], state: "yes" };
  const pieces: Piece[] = [];
  let state: Tri = "yes";
  let rest = text;
  for (;;) {
    const open = rest.indexOf("${");
    const close = open < 0 ? -1 : rest.indexOf("}", open + 2);
    if (open < 0 || close < 0) {
      pieces.push({ text: rest, literal: false });
      break;
    }
    pieces.push({ text: rest.slice(0, open), literal: false });
    const inner = rest.slice(open + 2, close);
    rest = rest.slice(close + 1);
    if (inner === "*" || inner === "?" || inner === "$") {
      pieces.push({ text: inner, literal: true });
      continue;
    }
    const m = /^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inner);
    if (!m) {
      // Not variable syntax IAM knows: never matches anything real.
      return { pieces: [{ text, literal: true }], state: "no" };
    }
    const key = m[1].toLowerCase();
    const known = ctx.values.get(key);
    if (known === undefined) {
      pushUnique(ctx.unknown, m[1]);
      pieces.push({ text: "*", literal: false });
      state = "maybe";
    } else if (known.length === 1) {
      pieces.push({ text: known[0], literal: true });
    } else if (known.length === 0 && m[2] !== undefined) {
      pieces.push({ text: m[2], literal: true });
    } else {
      // IAM: a variable whose key is absent matches nothing; multivalued keys are not valid in variables.
      return { pieces: [], state: "no" };
    }
  }
  return { pieces, state };
}

function pushUnique(list: string[], item: string): void {
  if (!list.some((x) => x.toLowerCase() === item.toLowerCase())) list.push(item);
}

/** Resource pattern with variables: "no" only when no value of the unknowns could match. */
function resourceTri(pattern: string, resource: string, ctx: Ctx): Tri {
  const r = resolveVariables(pattern, ctx);
  if (r.state === "no") return "no";
  return globTokens(tokens(r.pieces), resource) ? r.state : "no";
}

// ---------- principals ----------

interface PrincipalSpec {
  any: boolean;
  aws: string[];
  service: string[];
  /** Federated / CanonicalUser: never our principals. */
  other: number;
}

function parsePrincipal(p: unknown): PrincipalSpec | string {
  if (p === "*") return { any: true, aws: [], service: [], other: 0 };
  if (!isObject(p)) return "it must be \"*\" or an object such as {\"AWS\": ...} or {\"Service\": ...}";
  const spec: PrincipalSpec = { any: false, aws: [], service: [], other: 0 };
  const keys = Object.keys(p);
  if (keys.length === 0) return "it is empty";
  for (const k of keys) {
    const list = stringList(p[k]);
    if (!list) return `its ${quote(k)} value must be a string or a list of strings`;
    if (k === "AWS") spec.aws.push(...list);
    else if (k === "Service") spec.service.push(...list);
    else if (k === "Federated" || k === "CanonicalUser") spec.other += list.length;
    else return `${quote(k)} is not a principal type`;
  }
  return spec;
}

const ACCOUNT_ID = /^\d{12}$/;
const ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;
const SESSION_ARN = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const ROLE_ARN = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/** One AWS-principal entry against the request's principal. */
function awsEntryMatches(entry: string, request: RequestContext, notes: string[]): Tri {
  const account = principalAccountOf(request);
  const arn = request.principalArn;
  if (entry === "*") return account || arn ? "yes" : request.principalService ? "no" : "maybe";
  if (entry.includes("*") || entry.includes("?")) {
    notes.push(`Principal ${quote(entry)}: wildcards are only allowed as the whole principal "*", so it matches nobody.`);
    return "no";
  }
  const root = ROOT_ARN.exec(entry);
  const acct = ACCOUNT_ID.test(entry) ? entry : root ? root[1] : undefined;
  if (acct !== undefined) {
    if (account) return account === acct ? "yes" : "no";
    return request.principalService ? "no" : "maybe";
  }
  if (entry.startsWith("arn:")) {
    if (arn === undefined) return request.principalService ? "no" : "maybe";
    if (arn === entry) return "yes";
    // A role entry also covers that role's sessions (assumed-role ARNs drop the path).
    const session = SESSION_ARN.exec(arn);
    const role = ROLE_ARN.exec(entry);
    if (session && role && session[1] === role[1] && session[2] === role[2] && session[3] === role[3]) return "yes";
    return "no";
  }
  if (/^A[A-Z]{3}[A-Z0-9]{12,}$/.test(entry)) {
    notes.push(
      `Principal ${quote(entry)} is a unique ID, not an ARN: IAM shows this when the principal was deleted (a role recreated with the same name is a different principal).`,
    );
  }
  return "no";
}

function serviceMatches(entries: string[], request: RequestContext): Tri {
  const svc = request.principalService?.toLowerCase();
  if (svc === undefined) return "no";
  return entries.some((e) => e.toLowerCase() === svc) ? "yes" : "no";
}

function principalMatches(spec: PrincipalSpec, request: RequestContext, notes: string[]): Tri {
  if (spec.any) return "yes";
  let r: Tri = serviceMatches(spec.service, request);
  for (const e of spec.aws) r = or(r, awsEntryMatches(e, request, notes));
  return r;
}

// NotPrincipal excludes a principal only when each identity IAM checks for it
// (account, then role or user, then the session) is listed; listing only the
// role still leaves its account, hence the role, denied.
function notPrincipalExcludes(spec: PrincipalSpec, request: RequestContext): Tri {
  if (spec.any || spec.aws.includes("*")) return "yes";
  const account = principalAccountOf(request);
  const arn = request.principalArn;
  if (!account && !arn) return request.principalService ? serviceMatches(spec.service, request) : "maybe";
  if (!account) return "maybe";
  const accountListed = spec.aws.some((e) => e === account || ROOT_ARN.exec(e)?.[1] === account);
  if (!accountListed) return "no";
  // Only the account is known: its roles may or may not be listed too.
  if (arn === undefined) return "maybe";
  if (ROOT_ARN.test(arn)) return "yes";
  let r: Tri = spec.aws.includes(arn) ? "yes" : "no";
  const session = SESSION_ARN.exec(arn);
  if (session) {
    const roleListed = spec.aws.some((e) => {
      const role = ROLE_ARN.exec(e);
      return role !== null && role[1] === session[1] && role[2] === session[2] && role[3] === session[3];
    });
    r = and(r, roleListed ? "yes" : "no");
  }
  return r;
}

// ---------- conditions ----------

type BaseOp =
  | "StringEquals"
  | "StringEqualsIgnoreCase"
  | "StringLike"
  | "NumericEquals"
  | "NumericLessThan"
  | "NumericLessThanEquals"
  | "NumericGreaterThan"
  | "NumericGreaterThanEquals"
  | "DateEquals"
  | "DateLessThan"
  | "DateLessThanEquals"
  | "DateGreaterThan"
  | "DateGreaterThanEquals"
  | "Bool"
  | "BinaryEquals"
  | "IpAddress"
  | "ArnLike"
  | "Null";

// Negated operators map to their positive form; the flag flips the result.
const OPERATORS: Record<string, [BaseOp, boolean]> = {
  stringequals: ["StringEquals", false],
  stringnotequals: ["StringEquals", true],
  stringequalsignorecase: ["StringEqualsIgnoreCase", false],
  stringnotequalsignorecase: ["StringEqualsIgnoreCase", true],
  stringlike: ["StringLike", false],
  stringnotlike: ["StringLike", true],
  numericequals: ["NumericEquals", false],
  numericnotequals: ["NumericEquals", true],
  numericlessthan: ["NumericLessThan", false],
  numericlessthanequals: ["NumericLessThanEquals", false],
  numericgreaterthan: ["NumericGreaterThan", false],
  numericgreaterthanequals: ["NumericGreaterThanEquals", false],
  dateequals: ["DateEquals", false],
  datenotequals: ["DateEquals", true],
  datelessthan: ["DateLessThan", false],
  datelessthanequals: ["DateLessThanEquals", false],
  dategreaterthan: ["DateGreaterThan", false],
  dategreaterthanequals: ["DateGreaterThanEquals", false],
  bool: ["Bool", false],
  binaryequals: ["BinaryEquals", false],
  ipaddress: ["IpAddress", false],
  notipaddress: ["IpAddress", true],
  // IAM documents ArnEquals and ArnLike as the same wildcard match.
  arnequals: ["ArnLike", false],
  arnlike: ["ArnLike", false],
  arnnotequals: ["ArnLike", true],
  arnnotlike: ["ArnLike", true],
  null: ["Null", false],
};

interface ParsedOperator {
  base: BaseOp;
  negated: boolean;
  ifExists: boolean;
  set: "any" | "all" | undefined;
}

function parseOperator(name: string): ParsedOperator | undefined {
  let rest = name;
  let set: ParsedOperator["set"];
  const lower = rest.toLowerCase();
  if (lower.startsWith("foranyvalue:")) {
    set = "any";
    rest = rest.slice("ForAnyValue:".length);
  } else if (lower.startsWith("forallvalues:")) {
    set = "all";
    rest = rest.slice("ForAllValues:".length);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith("ifexists")) {
    ifExists = true;
    rest = rest.slice(0, -"IfExists".length);
  }
  if (!Object.hasOwn(OPERATORS, rest.toLowerCase())) return undefined;
  const op = OPERATORS[rest.toLowerCase()];
  if (op[0] === "Null" && (ifExists || set)) return undefined;
  return { base: op[0], negated: op[1], ifExists, set };
}

function conditionValues(v: unknown): string[] | undefined {
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of list) {
    if (typeof x === "string") out.push(x);
    else if (typeof x === "number" || typeof x === "boolean") out.push(String(x));
    else return undefined;
  }
  return out;
}

function parseDate(s: string): number {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  return Date.parse(s);
}

function parseIp(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const a = ipaddr.parse(s);
    return a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
  } catch {
    return undefined;
  }
}

function ipInRange(ip: string, range: string): boolean {
  const addr = parseIp(ip);
  if (!addr) return false;
  try {
    const [net, bits] = range.includes("/") ? ipaddr.parseCIDR(range) : [ipaddr.parse(range), -1];
    const n = net.kind() === "ipv6" && (net as ipaddr.IPv6).isIPv4MappedAddress() ? (net as ipaddr.IPv6).toIPv4Address() : net;
    if (n.kind() !== addr.kind()) return false;
    const prefix = bits < 0 ? (n.kind() === "ipv4" ? 32 : 128) : bits;
    return (addr as ipaddr.IPv4).match(n as ipaddr.IPv4, prefix);
  } catch {
    return false;
  }
}

// ARN conditions compare the six colon-separated parts one by one, so a "*"
// in the region cannot swallow the account.
function arnLike(pattern: Piece[], value: string): boolean {
  const flat = pattern.map((p) => p.text).join("");
  const pParts = splitArn(flat);
  const vParts = splitArn(value);
  if (!pParts || !vParts) return globTokens(tokens(pattern), value);
  // Variables only ever appear in the resource part, so per-part matching can
  // use the flat text for the first five parts.
  for (let i = 0; i < 5; i++) if (!glob(pParts[i], vParts[i])) return false;
  const prefix = pParts.slice(0, 5).join(":").length + 1;
  return globTokens(tokens(slicePieces(pattern, prefix)), vParts[5]);
}

function splitArn(s: string): string[] | undefined {
  const parts = s.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

function slicePieces(pieces: Piece[], from: number): Piece[] {
  const out: Piece[] = [];
  let pos = 0;
  for (const p of pieces) {
    const end = pos + p.text.length;
    if (end > from) out.push({ text: p.text.slice(Math.max(0, from - pos)), literal: p.literal });
    pos = end;
  }
  return out;
}

/** Does one request value match one policy value under the positive operator? */
function baseMatch(base: BaseOp, policy: Piece[], value: string): boolean {
  const text = policy.map((p) => p.text).join("");
  switch (base) {
    case "StringEquals":
    case "BinaryEquals":
      return text === value;
    case "StringEqualsIgnoreCase":
      return text.toLowerCase() === value.toLowerCase();
    case "StringLike":
      return globTokens(tokens(policy), value);
    case "ArnLike":
      return arnLike(policy, value);
    case "Bool":
      return text.toLowerCase() === value.toLowerCase();
    case "IpAddress":
      return ipInRange(value, text);
    case "Null":
      return false;
    default:
      break;
  }
  const numeric = base.startsWith("Numeric");
  const a = numeric ? Number(value) : parseDate(value);
  const b = numeric ? Number(text) : parseDate(text);
  if (value.trim() === "" || text.trim() === "" || Number.isNaN(a) || Number.isNaN(b)) return false;
  if (base.endsWith("GreaterThanEquals")) return a >= b;
  if (base.endsWith("GreaterThan")) return a > b;
  if (base.endsWith("LessThanEquals")) return a <= b;
  if (base.endsWith("LessThan")) return a < b;
  return a === b;
}

// Variables are allowed in String and ARN operator values only.
function takesVariables(base: BaseOp): boolean {
  return base.startsWith("String") || base === "ArnLike";
}

/** One operator on one key. */
function evalKey(op: ParsedOperator, key: string, policyValues: string[], ctx: Ctx): Tri {
  const known = ctx.values.get(key.toLowerCase());
  if (known === undefined) {
    if (ctx.effect === "Allow" && ctx.assumeKeys.has(key.toLowerCase())) {
      pushUnique(ctx.assumed, key);
      return "yes";
    }
    pushUnique(ctx.unknown, key);
    return "maybe";
  }
  if (op.base === "Null") {
    const wantAbsent = policyValues.some((v) => v.toLowerCase() === "true");
    const wantPresent = policyValues.some((v) => v.toLowerCase() === "false");
    const absent = known.length === 0;
    return (absent && wantAbsent) || (!absent && wantPresent) ? "yes" : "no";
  }
  if (known.length === 0) {
    // Documented IAM rule for a key missing from the request.
    if (op.ifExists || op.set === "all") return "yes";
    if (op.set === "any") return "no";
    return op.negated ? "yes" : "no";
  }
  const patterns: Resolved[] = policyValues.map((v) =>
    takesVariables(op.base) ? resolveVariables(v, ctx) : { pieces: [{ text: v, literal: true }], state: "yes" },
  );
  const matchesAny = (value: string): Tri => {
    let r: Tri = "no";
    for (const p of patterns) {
      if (p.state === "no") continue;
      if (baseMatch(op.base, p.pieces, value)) r = or(r, p.state);
    }
    return r;
  };
  const perValue = known.map((v) => (op.negated ? not(matchesAny(v)) : matchesAny(v)));
  if (op.set === "all") return perValue.reduce<Tri>((acc, t) => and(acc, t), "yes");
  if (op.set === "any") return perValue.reduce<Tri>((acc, t) => or(acc, t), "no");
  // No set qualifier on a multivalued key: a positive operator needs one match, a negated one needs none.
  return op.negated
    ? perValue.reduce<Tri>((acc, t) => and(acc, t), "yes")
    : perValue.reduce<Tri>((acc, t) => or(acc, t), "no");
}

function parseCondition(cond: unknown): string | undefined {
  if (!isObject(cond)) return "Condition must be an object of operators";
  for (const opName of Object.keys(cond)) {
    if (!parseOperator(opName)) return `Condition operator ${quote(opName)} is not an IAM operator`;
    const block = cond[opName];
    if (!isObject(block)) return `Condition operator ${quote(opName)} must map keys to values`;
    for (const key of Object.keys(block)) {
      if (!conditionValues(block[key])) return `Condition ${quote(opName)} ${quote(key)} has a value that is not a string, number or boolean`;
    }
  }
  return undefined;
}

// All operators and all keys must hold (AND); any listed value may match (OR).
function evalCondition(cond: Json, ctx: Ctx): Tri {
  let r: Tri = "yes";
  for (const opName of Object.keys(cond)) {
    const op = parseOperator(opName);
    const block = cond[opName];
    if (!op || !isObject(block)) return "no";
    for (const key of Object.keys(block)) {
      r = and(r, evalKey(op, key, conditionValues(block[key]) ?? [], ctx));
      if (r === "no") return "no";
    }
  }
  return r;
}

// ---------- statements ----------

type PolicyKind = "identity" | "resource" | "trust";

interface Outcome {
  deny: Tri;
  allow: Tri;
}

interface Collector {
  matched: MatchedStatement[];
  unknown: string[];
  assumed: string[];
  notes: string[];
  denyBy: MatchedStatement[];
}

function policyName(policy: unknown): string {
  const name = isObject(policy) ? own(policy, "name") : undefined;
  return typeof name === "string" ? name : "(unnamed)";
}

function parseDocument(name: string, document: unknown, notes: string[]): Json | undefined {
  let doc = document;
  // IAM's Get*Policy APIs return the document URL-encoded.
  if (typeof doc === "string") {
    doc = parseJsonText(doc) ?? parseJsonText(safeDecode(doc));
    if (doc === undefined) {
      notes.push(`Policy ${quote(name)} is not valid JSON; it was ignored.`);
      return undefined;
    }
  }
  if (!isObject(doc)) {
    notes.push(`Policy ${quote(name)} is not a JSON object; it was ignored.`);
    return undefined;
  }
  return doc;
}

function parseJsonText(s: string | undefined): unknown {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function statementsOf(name: string, doc: Json, notes: string[]): unknown[] {
  if (!has(doc, "Statement")) {
    notes.push(`Policy ${quote(name)} has no Statement, so it allows nothing.`);
    return [];
  }
  const st = own(doc, "Statement");
  if (Array.isArray(st)) return st;
  if (isObject(st)) return [st];
  notes.push(`Policy ${quote(name)}: Statement must be an object or a list of objects; the policy was ignored.`);
  return [];
}

function label(name: string, index: number, sid: string | undefined): string {
  return `policy ${quote(name)} statement ${index + 1}${sid !== undefined ? ` (Sid ${quote(sid)})` : ""}`;
}

/** Why IAM would reject the statement, or undefined when it is well-formed. */
function malformed(st: Json, kind: PolicyKind): string | undefined {
  const effect = own(st, "Effect");
  if (effect !== "Allow" && effect !== "Deny") {
    return typeof effect === "string"
      ? `Effect ${quote(effect)} is not "Allow" or "Deny" (IAM's Effect is case-sensitive)`
      : "Effect is missing";
  }
  if (has(st, "Action") === has(st, "NotAction")) return "it needs exactly one of Action and NotAction";
  if (!stringList(own(st, has(st, "Action") ? "Action" : "NotAction"))) return "Action/NotAction must be a string or a non-empty list of strings";
  const hasRes = has(st, "Resource") || has(st, "NotResource");
  if (has(st, "Resource") && has(st, "NotResource")) return "it has both Resource and NotResource";
  if (hasRes && !stringList(own(st, has(st, "Resource") ? "Resource" : "NotResource"))) return "Resource/NotResource must be a string or a non-empty list of strings";
  if (kind === "identity" && !hasRes) return "an identity policy statement needs Resource or NotResource";
  if (kind === "trust" && hasRes) return "a trust policy cannot have Resource or NotResource";
  const hasPrin = has(st, "Principal") || has(st, "NotPrincipal");
  if (kind === "identity" && hasPrin) return "an identity policy cannot have Principal or NotPrincipal";
  if (kind !== "identity") {
    if (!hasPrin) return "it needs Principal or NotPrincipal";
    if (has(st, "Principal") && has(st, "NotPrincipal")) return "it has both Principal and NotPrincipal";
    if (has(st, "NotPrincipal") && (kind === "trust" || effect === "Allow")) return "NotPrincipal is only supported with Deny in resource policies";
    const p = parsePrincipal(own(st, has(st, "Principal") ? "Principal" : "NotPrincipal"));
    if (typeof p === "string") return `its ${has(st, "Principal") ? "Principal" : "NotPrincipal"} is invalid: ${p}`;
  }
  if (has(st, "Condition")) return parseCondition(own(st, "Condition"));
  return undefined;
}

interface EvalOptions {
  kind: PolicyKind;
  assumeKeys?: Set<string>;
}

function evaluatePolicy(policy: NamedPolicy, request: RequestContext, opts: EvalOptions, out: Collector): Outcome {
  const outcome: Outcome = { deny: "no", allow: "no" };
  const name = policyName(policy);
  const doc = parseDocument(name, isObject(policy) ? own(policy, "document") : undefined, out.notes);
  if (!doc) return outcome;
  const version = own(doc, "Version");
  if (version !== undefined && version !== "2012-10-17" && version !== "2008-10-17") {
    out.notes.push(`Policy ${quote(name)} has Version ${quote(String(version))}; IAM accepts only "2012-10-17" or "2008-10-17".`);
  }
  const values = buildValues(request);
  for (const [index, raw] of statementsOf(name, doc, out.notes).entries()) {
    if (!isObject(raw)) {
      out.notes.push(`${label(name, index, undefined)} is not an object; it was ignored.`);
      continue;
    }
    const sidRaw = own(raw, "Sid");
    const sid = typeof sidRaw === "string" ? sidRaw : undefined;
    const problem = malformed(raw, opts.kind);
    if (problem) {
      out.notes.push(`${label(name, index, sid)} is malformed and was ignored: ${problem}.`);
      continue;
    }
    const effect = own(raw, "Effect") as "Allow" | "Deny";
    const ctx: Ctx = {
      values,
      // Before 2012-10-17, "${...}" is literal text.
      variables: version === "2012-10-17",
      assumeKeys: opts.assumeKeys ?? new Set(),
      effect,
      unknown: [],
      assumed: [],
    };
    const stNotes: string[] = [];
    const m = statementMatches(raw, request, ctx, stNotes);
    for (const n of stNotes) pushUnique(out.notes, `${label(name, index, sid)}: ${n}`);
    if (m === "no") continue;
    const conditional = m === "maybe" || ctx.assumed.length > 0;
    const entry: MatchedStatement = { policy: name, effect, conditional };
    if (sid !== undefined) entry.sid = sid;
    out.matched.push(entry);
    if (m === "maybe") for (const k of ctx.unknown) pushUnique(out.unknown, k);
    for (const k of ctx.assumed) pushUnique(out.assumed, k);
    if (effect === "Deny") {
      outcome.deny = or(outcome.deny, m);
      out.denyBy.push(entry);
    } else {
      outcome.allow = or(outcome.allow, m);
    }
  }
  return outcome;
}

function statementMatches(st: Json, request: RequestContext, ctx: Ctx, notes: string[]): Tri {
  const { action, resource } = request;
  const actions = stringList(own(st, has(st, "Action") ? "Action" : "NotAction")) ?? [];
  const actionHit = actions.some((a) => actionMatches(a, action));
  if (has(st, "Action") ? !actionHit : actionHit) return "no";

  let r: Tri = "yes";
  if (has(st, "Resource") || has(st, "NotResource")) {
    const list = stringList(own(st, has(st, "Resource") ? "Resource" : "NotResource")) ?? [];
    let hit: Tri = "no";
    for (const p of list) hit = or(hit, resourceTri(p, resource, ctx));
    r = has(st, "Resource") ? hit : not(hit);
  }
  if (r === "no") return "no";

  if (has(st, "Principal")) {
    const spec = parsePrincipal(own(st, "Principal"));
    r = and(r, typeof spec === "string" ? "no" : principalMatches(spec, request, notes));
  } else if (has(st, "NotPrincipal")) {
    const spec = parsePrincipal(own(st, "NotPrincipal"));
    r = and(r, typeof spec === "string" ? "no" : not(notPrincipalExcludes(spec, request)));
  }
  if (r === "no") return "no";

  const cond = own(st, "Condition");
  if (isObject(cond)) r = and(r, evalCondition(cond, ctx));
  return r;
}

function newCollector(): Collector {
  return { matched: [], unknown: [], assumed: [], notes: [], denyBy: [] };
}

function decide(o: Outcome): Decision {
  if (o.deny === "yes") return "explicit-deny";
  if (o.allow === "no") return "implicit-deny";
  if (o.deny === "no" && o.allow === "yes") return "allowed";
  return "unknown";
}

function finish(o: Outcome, c: Collector, request: RequestContext): Evaluation {
  const decision = decide(o);
  const { action } = request;
  if (decision === "explicit-deny") {
    const by = c.denyBy.find((m) => !m.conditional) ?? c.denyBy[0];
    if (by) c.notes.push(`${action} is explicitly denied by policy ${quote(by.policy)}${by.sid ? ` (Sid ${quote(by.sid)})` : ""}.`);
  } else if (decision === "implicit-deny" && o.deny === "maybe") {
    c.notes.push(`No policy allows ${action}; a conditional Deny may also apply.`);
  } else if (decision === "unknown") {
    c.notes.push(
      o.deny === "maybe"
        ? `${action} would be allowed, but a Deny whose condition cannot be checked offline may apply.`
        : `${action} is allowed only under conditions that cannot be checked offline.`,
    );
  }
  return { decision, matched: c.matched, unknownConditions: c.unknown, notes: c.notes };
}

// Typed callers can still pass JSON-shaped garbage; read only fields of the right type.
function sanitize(request: unknown): RequestContext {
  const r = isObject(request) ? request : {};
  const str = (k: string) => (typeof own(r, k) === "string" ? (own(r, k) as string) : undefined);
  const out: RequestContext = { action: str("action") ?? "", resource: str("resource") ?? "" };
  const arn = str("principalArn");
  const account = str("principalAccount");
  const service = str("principalService");
  if (arn !== undefined) out.principalArn = arn;
  if (account !== undefined) out.principalAccount = account;
  if (service !== undefined) out.principalService = service;
  const ctx = own(r, "context");
  if (isObject(ctx)) out.context = ctx as Record<string, string | string[]>;
  return out;
}

function failed(err: unknown): Evaluation {
  // Last line of defence: the evaluator must not take the CLI down.
  return {
    decision: "unknown",
    matched: [],
    unknownConditions: [],
    notes: [`Policy evaluation failed: ${err instanceof Error ? err.message : String(err)}`],
  };
}

// ---------- public API ----------

/** Identity-based evaluation: the role's identity policies, cut by its permissions boundary when given. */
export function evaluateIdentityPolicies(
  policies: NamedPolicy[],
  request: RequestContext,
  boundary?: NamedPolicy,
): Evaluation {
  try {
    request = sanitize(request);
    const c = newCollector();
    const list = Array.isArray(policies) ? policies : [];
    let identity: Outcome = { deny: "no", allow: "no" };
    for (const p of list) {
      const o = evaluatePolicy(p, request, { kind: "identity" }, c);
      identity = { deny: or(identity.deny, o.deny), allow: or(identity.allow, o.allow) };
    }
    if (list.length === 0) c.notes.push("The role has no identity policies.");
    if (boundary === undefined || boundary === null) return finish(identity, c, request);
    const b = evaluatePolicy(boundary, request, { kind: "identity" }, c);
    // A boundary only caps: both must allow; a Deny in either denies.
    const combined: Outcome = { deny: or(identity.deny, b.deny), allow: and(identity.allow, b.allow) };
    if (identity.allow !== "no" && b.allow === "no" && combined.deny !== "yes") {
      const bname = policyName(boundary);
      c.notes.push(`The permissions boundary ${quote(bname)} does not allow ${request.action}, so the identity policies' Allow has no effect.`);
    }
    return finish(combined, c, request);
  } catch (err) {
    return failed(err);
  }
}

/** A resource-based policy (e.g. an ECR repository policy) alone, for a principal of another account. */
export function evaluateResourcePolicy(policy: NamedPolicy, request: RequestContext): Evaluation {
  try {
    request = sanitize(request);
    const c = newCollector();
    const o = evaluatePolicy(policy, request, { kind: "resource" }, c);
    return finish(o, c, request);
  } catch (err) {
    return failed(err);
  }
}

// ECS passes these when it assumes the role for a task, with the task's account
// and cluster; the confused-deputy guard in AWS's own examples uses them.
const ECS_SUPPLIED_KEYS = new Set(["aws:sourceaccount", "aws:sourcearn"]);

/**
 * Whether a trust policy lets a service principal (e.g. "ecs-tasks.amazonaws.com") sts:AssumeRole.
 * Allow conditions on aws:SourceAccount / aws:SourceArn are taken as satisfied (ECS supplies
 * them) unless `context` gives their values.
 */
export function trustAllowsService(
  trustPolicy: unknown,
  service: string,
  context?: Record<string, string | string[]>,
): Evaluation {
  try {
    const request = sanitize({ action: "sts:AssumeRole", resource: "*", principalService: service, context });
    const c = newCollector();
    const o = evaluatePolicy({ name: "trust policy", document: trustPolicy }, request, { kind: "trust", assumeKeys: ECS_SUPPLIED_KEYS }, c);
    const ev = finish(o, c, request);
    if (c.assumed.length > 0 && ev.decision === "allowed") {
      ev.notes.push(
        `The trust policy's condition on ${c.assumed.join(" and ")} was taken as satisfied: ${service} supplies it when it assumes the role; it must name the task's own account/cluster.`,
      );
    }
    return ev;
  } catch (err) {
    return failed(err);
  }
}
