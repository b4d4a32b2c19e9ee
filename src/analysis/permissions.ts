// Every IAM question a diagnosis asks, answered once: may the role that pulls
// get an ECR token and the image, may the execution role be assumed and read
// the task's secrets (and their KMS keys), and what each repository policy
// says: another account's must let this role pull (both sides allow); one of
// this account's may allow on its own, and denies like any policy. IAM's own simulation (live) is the
// authority where it answered; otherwise the role's documents are evaluated
// with the local evaluator. A document that could not be read makes an answer
// unknown, never "allowed". Pure: the collector calls it, diagnostics read
// what it returns.

import type { ParameterMetadata, Role, SecretMetadata } from "../model/aws.js";
import type { ImageEvidence, KeyEvidence, RoleEvidence, SecretReference } from "../model/evidence.js";
import { type Fact, known, type Unknown, unknown } from "../model/fact.js";
import type { SimulationResult } from "../source/source.js";
import { type Decision, type Evaluation, evaluateIdentityPolicies, evaluateResourcePolicy, type NamedPolicy, trustAllowsService } from "./iam-policy.js";
import { awsManagedPolicyDocument } from "./managed-policies.js";

export interface PermissionQuestion {
  action: string;
  resource: string;
  /** Why the task needs it: "image web:1.4.2", "secret DB_PASSWORD of container web". */
  why: string;
  /** Condition key values known for this request (kms:ViaService). */
  context?: Record<string, string | string[]>;
  /**
   * The resource stands in for one that is not known (the key behind a KMS
   * alias): only an Allow or Deny that covers any such resource is definite.
   */
  placeholder?: boolean;
}

export interface PermissionAnswer extends PermissionQuestion {
  decision: Decision;
  /** IAM's simulation (live) or the local evaluation of the documents. */
  basis: "simulation" | "documents";
  /** The statements that deny explicitly: `policy "pull" (Sid "NoPull")`. */
  deniedBy: string[];
  /** The identity policies allow it, but the permissions boundary does not. */
  cutByBoundary: boolean;
  notes: string[];
  unknownConditions: string[];
  /** The document that could not be read and leaves the answer unknown. */
  unreadable?: Unknown;
  /** The resource's own policy (a KMS key policy) was read and is part of the decision. */
  resourcePolicyRead?: boolean;
}

export interface TrustAnswer {
  /** The service principal that must be trusted. */
  service: string;
  decision: Decision;
  notes: string[];
}

export interface PullPermissions {
  roleArn: string;
  purpose: RoleEvidence["purpose"];
  /** Whether the role can be assumed by the service that uses it (ecs-tasks or ec2). */
  trust: Fact<TrustAnswer>;
  /** Each action the pull needs, on each resource. */
  answers: Fact<PermissionAnswer[]>;
}

export const PULL_TOKEN_ACTION = "ecr:GetAuthorizationToken";
export const PULL_IMAGE_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] as const;

// ---------- the role's documents ----------

export interface RoleDocuments {
  policies: NamedPolicy[];
  boundary?: NamedPolicy;
  /** Documents that could not be read. */
  unreadable: Unknown[];
}

/**
 * The role's identity policies and boundary as the evaluator takes them; AWS managed policies named
 * without a document are filled in. A live read leaves out a list it could not read; a snapshot may
 * leave out a list the role does not have, so there only a role with neither list is unread.
 */
export function roleDocuments(role: Role, source: "live" | "snapshot" = "snapshot"): RoleDocuments {
  const out: RoleDocuments = { policies: [], unreadable: [] };
  const name = role.RoleName ?? role.Arn;
  const why = source === "live" ? "denied" : "not-captured";
  if (source === "live" ? role.AttachedPolicies === undefined : role.AttachedPolicies === undefined && role.InlinePolicies === undefined) {
    out.unreadable.push(unknown(why, "iam:ListAttachedRolePolicies", `the managed policies of role ${name} were not read`));
  }
  if (source === "live" && role.InlinePolicies === undefined) {
    out.unreadable.push(unknown(why, "iam:ListRolePolicies", `the inline policies of role ${name} were not read`));
  }
  for (const p of role.AttachedPolicies ?? []) {
    const document = p.Document ?? awsManagedPolicyDocument(p.PolicyArn);
    const policy = p.PolicyName ?? p.PolicyArn ?? "attached policy";
    if (document) out.policies.push({ name: policy, document });
    else out.unreadable.push(unknown(why, "iam:GetPolicyVersion", `the document of managed policy ${p.PolicyArn ?? policy} was not read`));
  }
  for (const p of role.InlinePolicies ?? []) {
    const policy = p.PolicyName ?? "inline policy";
    if (p.Document) out.policies.push({ name: policy, document: p.Document });
    else out.unreadable.push(unknown(why, "iam:GetRolePolicy", `the document of inline policy ${policy} was not read`));
  }
  const b = role.PermissionsBoundary;
  if (b && (b.PermissionsBoundaryArn || b.Document)) {
    const document = b.Document ?? awsManagedPolicyDocument(b.PermissionsBoundaryArn);
    const policy = `permissions boundary ${b.PermissionsBoundaryArn?.split("/").pop() ?? ""}`.trim();
    if (document) out.boundary = { name: policy, document };
    else out.unreadable.push(unknown(why, "iam:GetPolicyVersion", `the document of permissions boundary ${b.PermissionsBoundaryArn} was not read`));
  }
  return out;
}

// ---------- answering ----------

interface Principal {
  arn?: string;
  account: string;
}

/** The role's policy IAM names in a matched statement: a managed policy by its name, an inline one as `role_ROLE_POLICY`. */
function policyNamed(id: string, docs: RoleDocuments | undefined): string | undefined {
  return docs?.policies.find((p) => p.name === id || id.endsWith(`_${p.name}`) || id.endsWith(`/${p.name}`))?.name;
}

/**
 * IAM's decision, with the why from IAM's answer and the documents together: which policy denies
 * (IAM's matched statements, the document's statement Sid), and whether the permissions boundary is
 * what is missing (IAM's boundary detail, or the identity policies that allow it without the boundary).
 */
function fromSimulation(q: PermissionQuestion, r: SimulationResult, docs?: RoleDocuments, principal?: Principal): PermissionAnswer {
  const d = r.decision.toLowerCase();
  const missing = r.missingContextValues ?? [];
  let decision: Decision;
  if (d === "allowed") decision = "allowed";
  else if (d === "explicitdeny") decision = "explicit-deny";
  else decision = missing.length > 0 ? "unknown" : "implicit-deny";
  const readable = docs && docs.unreadable.length === 0 ? docs : undefined;
  const local = docs && principal ? fromDocuments(q, docs, principal) : undefined;
  let deniedBy: string[] = [];
  if (decision === "explicit-deny") {
    const named = (r.matchedStatements ?? []).map((m) => ({ id: m.sourcePolicyId, policy: policyNamed(m.sourcePolicyId, docs) }));
    // The document's own statements where IAM's policy is one we read (they carry the Sid); else IAM's name for it.
    const fromDocs = (local?.deniedBy ?? []).filter((label) => named.length === 0 || named.some((n) => n.policy && label.startsWith(`policy "${n.policy}"`)));
    const unread = named.filter((n) => !n.policy || !fromDocs.some((label) => label.startsWith(`policy "${n.policy}"`))).map((n) => `policy "${n.policy ?? n.id}"`);
    deniedBy = [...new Set([...fromDocs, ...unread])];
  }
  // The boundary cuts what the identity policies allow: IAM says the boundary does not allow it, and
  // (where the documents were read) the identity policies do; without them, IAM's word alone.
  const identityAllows = readable && principal
    ? evaluateIdentityPolicies(readable.policies, { action: q.action, resource: q.resource, principalArn: principal.arn, principalAccount: principal.account, context: q.context }).decision === "allowed"
    : undefined;
  const cutByBoundary = decision === "implicit-deny" && (
    r.allowedByBoundary === false ? identityAllows !== false : Boolean(local?.cutByBoundary && r.allowedByBoundary === undefined)
  );
  const notes = [`iam:SimulatePrincipalPolicy answered ${r.decision}${missing.length > 0 ? ` without the context keys ${missing.join(", ")}` : ""}.`];
  if (r.allowedByBoundary === false) notes.push("IAM says the permissions boundary does not allow it.");
  if (r.allowedByOrganizations === false) notes.push("IAM says a service control policy of the organization does not allow it.");
  return {
    ...q,
    decision,
    basis: "simulation",
    deniedBy,
    cutByBoundary,
    notes,
    unknownConditions: missing,
  };
}

function statementLabel(m: Evaluation["matched"][number]): string {
  return `policy "${m.policy}"${m.sid ? ` (Sid "${m.sid}")` : ""}`;
}

function fromDocuments(q: PermissionQuestion, docs: RoleDocuments, principal: Principal): PermissionAnswer {
  const request = { action: q.action, resource: q.resource, principalArn: principal.arn, principalAccount: principal.account, context: q.context };
  const ev = evaluateIdentityPolicies(docs.policies, request, docs.boundary);
  let decision = ev.decision;
  let cutByBoundary = false;
  if (docs.boundary && decision !== "allowed" && decision !== "explicit-deny") {
    cutByBoundary = evaluateIdentityPolicies(docs.policies, request).decision === "allowed";
  }
  const notes = [...ev.notes];
  let unreadable: Unknown | undefined;
  // An unread document could still allow or deny: only an explicit Deny is definite.
  if (docs.unreadable.length > 0 && decision !== "explicit-deny") {
    unreadable = docs.unreadable[0];
    decision = "unknown";
    notes.push(`${docs.unreadable.map((u) => u.message).join("; ")}.`);
  }
  if (q.placeholder && decision === "implicit-deny") {
    decision = "unknown";
    notes.push(`${q.resource} is not a key ARN: only a statement that covers every key decides.`);
  }
  return {
    ...q,
    decision,
    basis: "documents",
    deniedBy: decision === "explicit-deny" ? ev.matched.filter((m) => m.effect === "Deny" && !m.conditional).map(statementLabel) : [],
    cutByBoundary,
    notes,
    unknownConditions: ev.unknownConditions,
    ...(unreadable ? { unreadable } : {}),
  };
}

/** Answers each question from the simulation where it answered, else from the role's documents. */
export function answerQuestions(
  questions: PermissionQuestion[],
  role: Fact<Role | null>,
  simulation: Fact<SimulationResult[]>,
  principal: Principal,
  source: "live" | "snapshot" = "snapshot",
): Fact<PermissionAnswer[]> {
  const sims = simulation.state === "known" ? simulation.value : [];
  const simulated = (q: PermissionQuestion) =>
    q.placeholder ? undefined : sims.find((r) => r.action.toLowerCase() === q.action.toLowerCase() && r.resource === q.resource);
  if (role.state !== "known" || role.value === null) {
    // Without the documents, only a complete simulation answers.
    const all = questions.map((q) => simulated(q));
    if (all.every((r) => r !== undefined)) return known(questions.map((q, i) => fromSimulation(q, all[i]!, undefined, principal)));
    return role.state !== "known" ? role : unknown("failed", "iam:GetRole", "the role does not exist");
  }
  const docs = roleDocuments(role.value, source);
  return known(
    questions.map((q) => {
      const r = simulated(q);
      return r ? fromSimulation(q, r, docs, principal) : fromDocuments(q, docs, principal);
    }),
  );
}

// ---------- what the pull needs ----------

/** The ECR actions the pull needs: a token, then the image of each repository (and, through a pull through cache rule, the import). */
export function pullQuestions(images: ImageEvidence[]): PermissionQuestion[] {
  const ecr = images.filter((i) => i.ref.kind === "ecr" && i.ref.repositoryArn);
  if (ecr.length === 0) return [];
  const out: PermissionQuestion[] = [{ action: PULL_TOKEN_ACTION, resource: "*", why: "an ECR authorization token" }];
  for (const i of ecr) {
    const why = `image ${i.ref.repository}:${i.ref.digest ?? i.ref.tag}`;
    for (const action of PULL_IMAGE_ACTIONS) out.push({ action, resource: i.ref.repositoryArn!, why });
    const rule = i.pullThroughCache.state === "known" ? i.pullThroughCache.value : null;
    const notCached = i.image.state === "known" && i.image.value === null;
    const noRepository = i.repository.state === "known" && i.repository.value === null;
    if (rule && (notCached || noRepository)) {
      out.push({ action: "ecr:BatchImportUpstreamImage", resource: i.ref.repositoryArn!, why: `${why} through pull through cache rule ${rule.ecrRepositoryPrefix}` });
      if (noRepository) out.push({ action: "ecr:CreateRepository", resource: i.ref.repositoryArn!, why: `the first pull through pull through cache rule ${rule.ecrRepositoryPrefix}` });
    }
  }
  return out;
}

function trustOf(role: Fact<Role | null>, service: string, accountId: string, source: "live" | "snapshot"): Fact<TrustAnswer> {
  if (role.state !== "known") return role;
  const doc = role.value?.AssumeRolePolicyDocument;
  if (!role.value) return unknown("failed", "iam:GetRole", "the role does not exist");
  if (doc === undefined) {
    const what = `the trust policy of role ${role.value.RoleName ?? role.value.Arn}`;
    return source === "snapshot" ? unknown("not-captured", "iam:GetRole", `${what} was not read`) : unknown("not-recorded", "iam:GetRole", `iam:GetRole answered without ${what}`);
  }
  const ev = trustAllowsService(doc, service, service === "ecs-tasks.amazonaws.com" ? { "aws:SourceAccount": accountId } : undefined);
  return known({ service, decision: ev.decision, notes: ev.notes });
}

// ---------- secrets ----------

const AWS_MANAGED_KEY = /(?:^|:)alias\/aws\//;

function arnParts(arn: string): { partition: string; region: string; account: string } | undefined {
  const p = arn.split(":");
  return p[0] === "arn" && p.length >= 6 ? { partition: p[1], region: p[3], account: p[4] } : undefined;
}

/** A secret reference whose key may be resolved (its ARN known) before its policy is read. */
type KeyedReference = Omit<SecretReference, "key"> & { key?: Pick<KeyEvidence, "arn"> };

/** The KMS key a secret or SecureString parameter is encrypted with, when it is a customer managed key. */
export function customerManagedKey(ref: KeyedReference): string | undefined {
  const meta = ref.secret.state === "known" ? ref.secret.value : null;
  if (!meta) return undefined;
  const key = ref.store === "secretsmanager" ? (meta as SecretMetadata).KmsKeyId : (meta as ParameterMetadata).Type === "SecureString" ? (meta as ParameterMetadata).KeyId : undefined;
  if (!key || AWS_MANAGED_KEY.test(key)) return undefined;
  return key;
}

/** What the execution role must be allowed to read one secret or parameter. */
export function secretQuestions(ref: KeyedReference, region: string, accountId: string): PermissionQuestion[] {
  const meta = ref.secret.state === "known" ? ref.secret.value : null;
  if (!meta) return [];
  const resource = meta.ARN ?? ref.resourceArn;
  const label = ref.field === "repositoryCredentials" ? `repositoryCredentials of container ${ref.container}` : `${ref.field} ${ref.name ?? ""} of container ${ref.container}`.replace(/\s+/g, " ");
  const out: PermissionQuestion[] = [
    { action: ref.store === "secretsmanager" ? "secretsmanager:GetSecretValue" : "ssm:GetParameters", resource, why: label },
  ];
  const key = customerManagedKey(ref);
  if (key) {
    const where = arnParts(resource) ?? { partition: "aws", region, account: accountId };
    const via = `${ref.store === "secretsmanager" ? "secretsmanager" : "ssm"}.${where.region}.amazonaws.com`;
    let keyArn = key;
    let placeholder = false;
    const resolved = ref.key?.arn.state === "known" ? ref.key.arn.value : null;
    if (resolved) keyArn = resolved;
    else if (!key.startsWith("arn:")) {
      if (key.startsWith("alias/")) {
        keyArn = `arn:${where.partition}:kms:${where.region}:${where.account}:key/(the key behind ${key})`;
        placeholder = true;
      } else keyArn = `arn:${where.partition}:kms:${where.region}:${where.account}:key/${key}`;
    } else if (key.includes(":alias/")) {
      keyArn = `${key.slice(0, key.indexOf(":alias/"))}:key/(the key behind ${key.slice(key.indexOf(":alias/") + 1)})`;
      placeholder = true;
    }
    out.push({ action: "kms:Decrypt", resource: keyArn, why: `${label}: its customer managed key ${key}`, context: { "kms:ViaService": via }, placeholder });
  }
  return out;
}

// ---------- everything, once ----------

export interface PermissionInputs {
  /** Where the evidence came from: a live read leaves out what it could not read. */
  source: "live" | "snapshot";
  accountId: string;
  region: string;
  executionRoleArn: string | null;
  executionRole: Fact<Role | null>;
  pullRole: RoleEvidence | null;
  images: ImageEvidence[];
  secrets: SecretReference[];
  /** IAM's simulation of the secrets' actions for the execution role (unknown in a snapshot). */
  secretsSimulation: Fact<SimulationResult[]>;
}

export interface DerivedPermissions {
  /** The execution role's trust policy against ecs-tasks.amazonaws.com; null without an execution role that exists. */
  executionRoleTrust: Fact<TrustAnswer> | null;
  /** Null when no role pulls from ECR (no ECR image, no role, or a role that does not exist). */
  pullPermissions: PullPermissions | null;
  /** Aligned with `secrets`: whether the execution role can read each one (undefined without an execution role or metadata). */
  secretAccess: (Fact<PermissionAnswer[]> | undefined)[];
  /**
   * Aligned with `images`: the repository policy for the pulling role. Another account's: whether it lets the role pull.
   * This account's: whether it denies (its Allow is already counted in `pullPermissions`). Null for non-ECR images
   * and for this account's repositories without a policy.
   */
  repositoryAccess: (Fact<PermissionAnswer[]> | null)[];
}

export function derivePermissions(x: PermissionInputs): DerivedPermissions {
  const executionRoleTrust =
    x.executionRoleArn && !(x.executionRole.state === "known" && x.executionRole.value === null)
      ? trustOf(x.executionRole, "ecs-tasks.amazonaws.com", x.accountId, x.source)
      : null;

  let pullPermissions: PullPermissions | null = null;
  const questions = pullQuestions(x.images);
  const pr = x.pullRole;
  if (pr && questions.length > 0 && !(pr.role.state === "known" && pr.role.value === null)) {
    const principal = { arn: pr.arn !== "unknown" ? pr.arn : undefined, account: x.accountId };
    pullPermissions = {
      roleArn: pr.arn,
      purpose: pr.purpose,
      trust: pr.purpose === "execution-role" && executionRoleTrust ? executionRoleTrust : trustOf(pr.role, pr.purpose === "execution-role" ? "ecs-tasks.amazonaws.com" : "ec2.amazonaws.com", x.accountId, x.source),
      answers: withRepositoryPolicyAllows(answerQuestions(questions, pr.role, pr.simulation, principal, x.source), x.images, pr, x.accountId),
    };
  }

  const secretAccess = x.secrets.map((ref) => {
    if (!x.executionRoleArn || (x.executionRole.state === "known" && x.executionRole.value === null)) return undefined;
    const qs = secretQuestions(ref, x.region, x.accountId);
    if (qs.length === 0) return undefined;
    return withKeyPolicy(answerQuestions(qs, x.executionRole, x.secretsSimulation, { arn: x.executionRoleArn, account: x.accountId }, x.source), ref.key, x.executionRoleArn, x.accountId);
  });

  const repositoryAccess = x.images.map((i) => repositoryAccessOf(i, pr, x.accountId));
  return { executionRoleTrust, pullPermissions, secretAccess, repositoryAccess };
}

// ---------- repository policies ----------

const ACCOUNT_PRINCIPAL = /^(?:\d{12}|arn:[^:]+:iam::\d{12}:root)$/;

function sameAccount(i: ImageEvidence, accountId: string): boolean {
  return i.ref.registryId === accountId;
}

function repositoryPolicyOf(i: ImageEvidence): NamedPolicy | undefined {
  const text = i.repositoryPolicy.state === "known" ? i.repositoryPolicy.value?.policyText : undefined;
  return text ? { name: `repository policy of ${i.ref.repository}`, document: text } : undefined;
}

function pullingPrincipal(pr: RoleEvidence | null, accountId: string) {
  return { principalArn: pr && pr.arn !== "unknown" ? pr.arn : undefined, principalAccount: accountId };
}

/**
 * The repository policy with every Allow of an account principal taken out. Within one account, an Allow of
 * the account (`123456789012`, `arn:aws:iam::123456789012:root`) only delegates to the role's IAM policies;
 * an Allow of the role itself (or of "*") grants on its own. Undefined when the text is not JSON.
 */
export function directGrants(policy: NamedPolicy): NamedPolicy | undefined {
  let doc: unknown;
  try {
    doc = typeof policy.document === "string" ? JSON.parse(policy.document) : policy.document;
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  const list = Array.isArray(d.Statement) ? d.Statement : d.Statement === undefined ? [] : [d.Statement];
  const statements = list.flatMap((st): unknown[] => {
    if (!st || typeof st !== "object") return [st];
    const { Effect, Principal } = st as Record<string, unknown>;
    if (Effect !== "Allow" || !Principal || typeof Principal !== "object" || Array.isArray(Principal)) return [st];
    const p = Principal as Record<string, unknown>;
    if (p.AWS === undefined) return [st];
    const aws = (Array.isArray(p.AWS) ? p.AWS : [p.AWS]).filter((x) => !(typeof x === "string" && ACCOUNT_PRINCIPAL.test(x)));
    const { AWS: _dropped, ...others } = p;
    const rest = aws.length > 0 ? { ...others, AWS: aws } : others;
    return Object.keys(rest).length > 0 ? [{ ...st, Principal: rest }] : [];
  });
  return { name: policy.name, document: { ...d, Statement: statements } };
}

/**
 * Within one account, IAM allows a request that either the identity policies or the resource policy allow
 * (IAM policy evaluation logic, requests within a single account): a repository policy that grants the
 * role the pull makes up for identity policies that do not. Only a plain implicit deny is made up for: an
 * explicit Deny of the role stays, and so does a permissions boundary's cut (a boundary also caps what a
 * resource policy grants to the role's ARN). The repository policy's own Deny is `repositoryAccess`'s to
 * report (ecr-repository-policy-denies), not the role's. Across accounts both sides must allow: unchanged.
 */
function withRepositoryPolicyAllows(answers: Fact<PermissionAnswer[]>, images: ImageEvidence[], pr: RoleEvidence, accountId: string): Fact<PermissionAnswer[]> {
  if (answers.state !== "known") return answers;
  const principal = pullingPrincipal(pr, accountId);
  if (!principal.principalArn) return answers;
  return known(
    answers.value.map((a) => {
      if (a.decision !== "implicit-deny" || a.cutByBoundary) return a;
      const image = images.find((i) => i.ref.kind === "ecr" && i.ref.repositoryArn === a.resource && sameAccount(i, accountId));
      const policy = image && repositoryPolicyOf(image);
      const direct = policy && directGrants(policy);
      if (!image || !direct) return a;
      const ev = evaluateResourcePolicy(direct, { action: a.action, resource: a.resource, ...principal });
      const allows = ev.matched.filter((m) => m.effect === "Allow");
      if (allows.length === 0) return a;
      const by = allows.find((m) => !m.conditional) ?? allows[0];
      const sure = !by.conditional;
      return {
        ...a,
        decision: sure ? "allowed" : "unknown",
        unknownConditions: sure ? a.unknownConditions : [...new Set([...a.unknownConditions, ...ev.unknownConditions])],
        notes: [
          ...a.notes,
          `No identity policy allows ${a.action}, but ${statementLabel(by)} grants it to the role${sure ? "" : " under conditions that cannot be checked offline"}; within one account either suffices.`,
        ],
      };
    }),
  );
}

/**
 * A KMS key's policy decides whether the key may be used at all (AWS KMS key policies): a statement that
 * grants the role itself suffices; an Allow of the account only lets the role's IAM policies decide (the
 * answer stands, now definite); a key policy that does neither refuses the role whatever IAM allows, and
 * its Deny refuses it outright. A key that does not exist refuses every request.
 */
function withKeyPolicy(answers: Fact<PermissionAnswer[]>, key: KeyEvidence | undefined, roleArn: string, accountId: string): Fact<PermissionAnswer[]> {
  if (answers.state !== "known" || !key || key.policy.state !== "known") return answers;
  const keyPolicy = key.policy.value;
  const arn = key.arn.state === "known" ? key.arn.value : null;
  return known(
    answers.value.map((a): PermissionAnswer => {
      if (a.action !== "kms:Decrypt") return a;
      if (!keyPolicy || !arn) {
        const why = arn ? `key ${arn} does not exist` : `alias ${key.named} names no key`;
        return { ...a, decision: "implicit-deny", placeholder: false, resourcePolicyRead: true, notes: [...a.notes, `The ${why} in KMS: nothing can decrypt with it.`] };
      }
      const policy: NamedPolicy = { name: `key policy of ${arn}`, document: keyPolicy.Policy ?? "{}" };
      const request = { action: a.action, resource: arn, principalArn: roleArn, principalAccount: accountId, context: a.context };
      const whole = evaluateResourcePolicy(policy, request);
      const direct = directGrants(policy);
      const grantsRole = direct ? evaluateResourcePolicy(direct, request) : undefined;
      const base = { ...a, resource: arn, placeholder: false, resourcePolicyRead: true };
      if (whole.decision === "explicit-deny") {
        return { ...base, decision: "explicit-deny", deniedBy: whole.matched.filter((m) => m.effect === "Deny" && !m.conditional).map(statementLabel), notes: [...a.notes, ...whole.notes] };
      }
      if (grantsRole?.decision === "allowed") {
        if (a.decision !== "implicit-deny" || a.cutByBoundary) return base;
        return { ...base, decision: "allowed", notes: [...a.notes, `No identity policy allows kms:Decrypt, but the key policy of ${arn} grants it to the role itself.`] };
      }
      if (whole.decision === "allowed") {
        return { ...base, notes: [...a.notes, `The key policy of ${arn} lets IAM policies of account ${accountId} grant kms:Decrypt: the role's own policies decide.`] };
      }
      if (whole.decision === "unknown" || grantsRole?.decision === "unknown") {
        return { ...base, decision: a.decision === "explicit-deny" ? a.decision : "unknown", unknownConditions: [...new Set([...a.unknownConditions, ...whole.unknownConditions])], notes: [...a.notes, `The key policy of ${arn} allows kms:Decrypt only under conditions that cannot be checked offline.`] };
      }
      return {
        ...base,
        decision: a.decision === "explicit-deny" ? a.decision : "implicit-deny",
        notes: [...a.notes, `The key policy of ${arn} neither grants the role kms:Decrypt nor lets the account's IAM policies grant it, so no identity policy can.`],
      };
    }),
  );
}

function repositoryAccessOf(i: ImageEvidence, pr: RoleEvidence | null, accountId: string): Fact<PermissionAnswer[]> | null {
  if (i.ref.kind !== "ecr" || !i.ref.registryId || !i.ref.repositoryArn) return null;
  const same = sameAccount(i, accountId);
  if (i.repositoryPolicy.state !== "known") return i.repositoryPolicy;
  const policy = repositoryPolicyOf(i);
  if (same && !policy) return null;
  const why = `image ${i.ref.repository}:${i.ref.digest ?? i.ref.tag}${same ? "" : ` from account ${i.ref.registryId}`}`;
  return known(
    PULL_IMAGE_ACTIONS.map((action): PermissionAnswer => {
      const q = { action, resource: i.ref.repositoryArn!, why };
      if (!policy) {
        return {
          ...q, decision: "implicit-deny", basis: "documents", deniedBy: [], cutByBoundary: false, unknownConditions: [],
          notes: [`Repository ${i.ref.repository} has no repository policy, so no other account may pull from it.`],
        };
      }
      const ev = evaluateResourcePolicy(policy, { action, resource: i.ref.repositoryArn!, ...pullingPrincipal(pr, accountId) });
      let decision = ev.decision;
      let notes = ev.notes;
      if (same && decision !== "explicit-deny") {
        // This account's repository: only its Deny can stop the pull (its Allow counts in pullPermissions).
        const deny = ev.matched.find((m) => m.effect === "Deny");
        decision = deny ? "unknown" : "allowed";
        notes = deny
          ? [`${statementLabel(deny)} denies ${action} under conditions that cannot be checked offline.`]
          : [`The repository policy does not deny ${action}; within account ${accountId} the role's own policies decide.`];
      }
      return {
        ...q,
        decision,
        basis: "documents",
        deniedBy: decision === "explicit-deny" ? ev.matched.filter((m) => m.effect === "Deny" && !m.conditional).map(statementLabel) : [],
        cutByBoundary: false,
        notes,
        unknownConditions: same && decision !== "unknown" ? [] : ev.unknownConditions,
      };
    }),
  );
}

/** The (action, resource) pairs worth a simulation for the secrets, without stand-in resources. */
export function secretsSimulationRequest(refs: KeyedReference[], region: string, accountId: string): { actions: string[]; resources: string[] } {
  const qs = refs.flatMap((r) => secretQuestions(r, region, accountId)).filter((q) => !q.placeholder);
  return { actions: [...new Set(qs.map((q) => q.action))], resources: [...new Set(qs.map((q) => q.resource))] };
}
