import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  actionMatches,
  type Decision,
  evaluateIdentityPolicies,
  evaluateResourcePolicy,
  type NamedPolicy,
  type RequestContext,
  resourceMatches,
  trustAllowsService,
} from "../../src/analysis/iam-policy.js";

const ACCT = "111122223333";
const REPO_ACCT = "444455556666";
const REPO = `arn:aws:ecr:us-east-1:${ACCT}:repository/web`;
const OTHER_REPO = `arn:aws:ecr:us-east-1:${ACCT}:repository/api`;
const EXEC_ROLE = `arn:aws:iam::${ACCT}:role/ecsTaskExecutionRole`;
const V = "2012-10-17";

// The AWS managed policy, as AWS publishes it.
const TASK_EXECUTION_POLICY = {
  Version: V,
  Statement: [
    {
      Effect: "Allow",
      Action: [
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
      ],
      Resource: "*",
    },
  ],
};

const allow = (Action: unknown, Resource: unknown = "*", extra: object = {}) => ({
  Version: V,
  Statement: [{ Effect: "Allow", Action, Resource, ...extra }],
});
const deny = (Action: unknown, Resource: unknown = "*", extra: object = {}) => ({
  Version: V,
  Statement: [{ Effect: "Deny", Action, Resource, ...extra }],
});

interface IdentityCase {
  name: string;
  policies: unknown[];
  action: string;
  resource?: string;
  context?: Record<string, string | string[]>;
  boundary?: unknown;
  expected: Decision;
}

const named = (docs: unknown[]): NamedPolicy[] => docs.map((document, i) => ({ name: `p${i}`, document }));

const identityCases: IdentityCase[] = [
  { name: "managed execution policy: GetAuthorizationToken on *", policies: [TASK_EXECUTION_POLICY], action: "ecr:GetAuthorizationToken", resource: "*", expected: "allowed" },
  { name: "managed execution policy: BatchCheckLayerAvailability", policies: [TASK_EXECUTION_POLICY], action: "ecr:BatchCheckLayerAvailability", expected: "allowed" },
  { name: "managed execution policy: GetDownloadUrlForLayer", policies: [TASK_EXECUTION_POLICY], action: "ecr:GetDownloadUrlForLayer", expected: "allowed" },
  { name: "managed execution policy: BatchGetImage", policies: [TASK_EXECUTION_POLICY], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "managed execution policy does not grant s3:GetObject", policies: [TASK_EXECUTION_POLICY], action: "s3:GetObject", expected: "implicit-deny" },
  { name: "inline Deny on BatchGetImage beats the managed Allow", policies: [TASK_EXECUTION_POLICY, deny("ecr:BatchGetImage")], action: "ecr:BatchGetImage", expected: "explicit-deny" },
  { name: "inline Deny on BatchGetImage leaves GetDownloadUrlForLayer", policies: [TASK_EXECUTION_POLICY, deny("ecr:BatchGetImage")], action: "ecr:GetDownloadUrlForLayer", expected: "allowed" },
  { name: "no policies at all", policies: [], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "boundary without ECR caps an identity Allow", policies: [TASK_EXECUTION_POLICY], boundary: allow(["logs:*"]), action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "boundary with ecr:* lets the identity Allow through", policies: [TASK_EXECUTION_POLICY], boundary: allow("ecr:*"), action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "boundary alone grants nothing", policies: [allow("logs:*")], boundary: allow("*"), action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "explicit Deny in the boundary denies", policies: [TASK_EXECUTION_POLICY], boundary: { Version: V, Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "ecr:BatchGetImage", Resource: "*" }] }, action: "ecr:BatchGetImage", expected: "explicit-deny" },
  { name: "boundary scoped to another repository", policies: [TASK_EXECUTION_POLICY], boundary: allow("ecr:*", OTHER_REPO), action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "resource scoped to another repository", policies: [allow("ecr:BatchGetImage", OTHER_REPO)], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "resource scoped to this repository", policies: [allow("ecr:BatchGetImage", REPO)], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "GetAuthorizationToken needs Resource *, not a repository ARN", policies: [allow("ecr:GetAuthorizationToken", REPO)], action: "ecr:GetAuthorizationToken", resource: "*", expected: "implicit-deny" },
  { name: "ecr:* on *", policies: [allow("ecr:*")], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "Action * on *", policies: [allow("*")], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "action match is case-insensitive (ECR:batchgetimage)", policies: [allow("ECR:batchgetimage")], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "ecr:Get* matches GetDownloadUrlForLayer", policies: [allow("ecr:Get*")], action: "ecr:GetDownloadUrlForLayer", expected: "allowed" },
  { name: "ecr:Get* does not match BatchGetImage", policies: [allow("ecr:Get*")], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "? matches exactly one character", policies: [allow("ecr:BatchGet?mage")], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "? does not match zero characters", policies: [allow("ecr:BatchGetI?mage")], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "NotAction ecr:* excludes ECR", policies: [{ Version: V, Statement: { Effect: "Allow", NotAction: "ecr:*", Resource: "*" } }], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "NotAction ecr:* allows everything else", policies: [{ Version: V, Statement: { Effect: "Allow", NotAction: "ecr:*", Resource: "*" } }], action: "logs:PutLogEvents", expected: "allowed" },
  { name: "NotResource covers every other repository", policies: [{ Version: V, Statement: { Effect: "Allow", Action: "ecr:*", NotResource: OTHER_REPO } }], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "NotResource excluding this repository", policies: [{ Version: V, Statement: { Effect: "Allow", Action: "ecr:*", NotResource: [REPO] } }], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "Deny with NotResource spares the listed repository", policies: [allow("ecr:*"), { Version: V, Statement: { Effect: "Deny", Action: "ecr:*", NotResource: REPO } }], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "Deny with NotResource hits other repositories", policies: [allow("ecr:*"), { Version: V, Statement: { Effect: "Deny", Action: "ecr:*", NotResource: REPO } }], action: "ecr:BatchGetImage", resource: OTHER_REPO, expected: "explicit-deny" },
  { name: "repository/team/* spans a further /", policies: [allow("ecr:BatchGetImage", `arn:aws:ecr:us-east-1:${ACCT}:repository/team/*`)], action: "ecr:BatchGetImage", resource: `arn:aws:ecr:us-east-1:${ACCT}:repository/team/backend/web`, expected: "allowed" },
  { name: "region wildcard", policies: [allow("ecr:BatchGetImage", `arn:aws:ecr:*:${ACCT}:repository/web`)], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "resource ARN match is case-sensitive", policies: [allow("ecr:BatchGetImage", `arn:aws:ecr:us-east-1:${ACCT}:repository/Web`)], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "Allow with a condition not known offline", policies: [allow("ecr:*", "*", { Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } } })], action: "ecr:BatchGetImage", expected: "unknown" },
  { name: "conditional Allow next to an unconditional one", policies: [allow("ecr:*", "*", { Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } } }), TASK_EXECUTION_POLICY], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "StringEquals aws:SourceAccount satisfied by context", policies: [allow("ecr:*", "*", { Condition: { StringEquals: { "aws:SourceAccount": ACCT } } })], action: "ecr:BatchGetImage", context: { "aws:sourceaccount": ACCT }, expected: "allowed" },
  { name: "StringEquals aws:SourceAccount failed by context", policies: [allow("ecr:*", "*", { Condition: { StringEquals: { "aws:SourceAccount": ACCT } } })], action: "ecr:BatchGetImage", context: { "aws:sourceaccount": REPO_ACCT }, expected: "implicit-deny" },
  { name: "condition keys are case-insensitive", policies: [allow("ecr:*", "*", { Condition: { StringEquals: { "AWS:SOURCEACCOUNT": ACCT } } })], action: "ecr:BatchGetImage", context: { "aws:sourceaccount": ACCT }, expected: "allowed" },
  { name: "String condition values are case-sensitive", policies: [allow("ecr:*", "*", { Condition: { StringEquals: { "aws:PrincipalTag/team": "Web" } } })], action: "ecr:BatchGetImage", context: { "aws:principaltag/team": "web" }, expected: "implicit-deny" },
  { name: "StringEqualsIgnoreCase", policies: [allow("ecr:*", "*", { Condition: { StringEqualsIgnoreCase: { "aws:PrincipalTag/team": "Web" } } })], action: "ecr:BatchGetImage", context: { "aws:principaltag/team": "web" }, expected: "allowed" },
  { name: "StringNotEquals with the key absent is true", policies: [allow("ecr:*", "*", { Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1" } } })], action: "ecr:BatchGetImage", context: { "aws:sourcevpce": [] }, expected: "allowed" },
  { name: "StringEquals with the key absent is false", policies: [allow("ecr:*", "*", { Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } } })], action: "ecr:BatchGetImage", context: { "aws:sourcevpce": [] }, expected: "implicit-deny" },
  { name: "StringEqualsIfExists with the key absent is true", policies: [allow("ecr:*", "*", { Condition: { StringEqualsIfExists: { "aws:SourceVpce": "vpce-1" } } })], action: "ecr:BatchGetImage", context: { "aws:sourcevpce": [] }, expected: "allowed" },
  { name: "StringLike with a wildcard", policies: [allow("ecr:*", "*", { Condition: { StringLike: { "aws:SourceVpce": "vpce-0a*" } } })], action: "ecr:BatchGetImage", context: { "aws:sourcevpce": "vpce-0abc" }, expected: "allowed" },
  { name: "StringNotLike that matches denies nothing, allows nothing", policies: [allow("ecr:*", "*", { Condition: { StringNotLike: { "aws:SourceVpce": "vpce-0a*" } } })], action: "ecr:BatchGetImage", context: { "aws:sourcevpce": "vpce-0abc" }, expected: "implicit-deny" },
  { name: "ArnLike compares the six ARN parts", policies: [allow("ecr:*", "*", { Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCT}:role/ecs*` } } })], action: "ecr:BatchGetImage", context: { "aws:principalarn": EXEC_ROLE }, expected: "allowed" },
  { name: "ArnNotEquals on the principal ARN", policies: [allow("ecr:*"), deny("ecr:*", "*", { Condition: { ArnNotEquals: { "aws:PrincipalArn": EXEC_ROLE } } })], action: "ecr:BatchGetImage", context: { "aws:principalarn": EXEC_ROLE }, expected: "allowed" },
  { name: "Bool aws:SecureTransport false denies", policies: [allow("ecr:*"), deny("*", "*", { Condition: { Bool: { "aws:SecureTransport": false } } })], action: "ecr:BatchGetImage", context: { "aws:securetransport": "false" }, expected: "explicit-deny" },
  { name: "Null: tag must be present", policies: [allow("ecr:*", "*", { Condition: { Null: { "aws:PrincipalTag/team": "false" } } })], action: "ecr:BatchGetImage", context: { "aws:principaltag/team": "web" }, expected: "allowed" },
  { name: "ForAllValues with a value outside the set", policies: [allow("ecr:*", "*", { Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["team", "env"] } } })], action: "ecr:BatchGetImage", context: { "aws:tagkeys": ["team", "owner"] }, expected: "implicit-deny" },
  { name: "ForAnyValue with one value in the set", policies: [allow("ecr:*", "*", { Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["team", "env"] } } })], action: "ecr:BatchGetImage", context: { "aws:tagkeys": ["team", "owner"] }, expected: "allowed" },
  { name: "Deny with an unknown condition makes an Allow unknown", policies: [TASK_EXECUTION_POLICY, deny("ecr:*", "*", { Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1" } } })], action: "ecr:BatchGetImage", expected: "unknown" },
  { name: "Deny with an unknown condition and no Allow", policies: [deny("ecr:*", "*", { Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1" } } })], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "Deny whose condition is known to be false", policies: [TASK_EXECUTION_POLICY, deny("ecr:*", "*", { Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1" } } })], action: "ecr:BatchGetImage", context: { "aws:sourcevpce": "vpce-1" }, expected: "allowed" },
  { name: "policy variable in Resource, unresolved", policies: [allow("ecr:*", `arn:aws:ecr:us-east-1:${ACCT}:repository/\${aws:PrincipalTag/team}`)], action: "ecr:BatchGetImage", expected: "unknown" },
  { name: "policy variable that cannot match whatever its value", policies: [allow("ecr:*", `arn:aws:ecr:eu-west-1:${ACCT}:repository/\${aws:PrincipalTag/team}`)], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "policy variable resolved from context", policies: [allow("ecr:*", `arn:aws:ecr:us-east-1:${ACCT}:repository/\${aws:PrincipalTag/team}`)], action: "ecr:BatchGetImage", context: { "aws:principaltag/team": "web" }, expected: "allowed" },
  { name: "policy variable is literal text in a 2008-10-17 policy", policies: [{ Version: "2008-10-17", Statement: { Effect: "Allow", Action: "ecr:*", Resource: `arn:aws:ecr:us-east-1:${ACCT}:repository/\${aws:PrincipalTag/team}` } }], action: "ecr:BatchGetImage", context: { "aws:principaltag/team": "web" }, expected: "implicit-deny" },
  { name: "malformed: Statement missing", policies: [{ Version: V }], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "malformed: Statement is a string", policies: [{ Version: V, Statement: "Allow everything" }], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "malformed: Effect \"allow\" (IAM's Effect is case-sensitive)", policies: [{ Version: V, Statement: { Effect: "allow", Action: "ecr:*", Resource: "*" } }], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "malformed: Effect \"deny\" does not deny", policies: [TASK_EXECUTION_POLICY, { Version: V, Statement: { Effect: "deny", Action: "ecr:*", Resource: "*" } }], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "malformed: identity statement without Resource", policies: [{ Version: V, Statement: { Effect: "Allow", Action: "ecr:*" } }], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "malformed: Principal in an identity policy", policies: [allow("ecr:*", "*", { Principal: "*" })], action: "ecr:BatchGetImage", expected: "implicit-deny" },
  { name: "malformed statement does not hide a good one", policies: [{ Version: V, Statement: [42, { Effect: "Allow", Action: "ecr:*", Resource: "*" }] }], action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "URL-encoded document, as GetRolePolicy returns it", policies: [encodeURIComponent(JSON.stringify(TASK_EXECUTION_POLICY))], action: "ecr:BatchGetImage", expected: "allowed" },
];

describe("evaluateIdentityPolicies", () => {
  it.each(identityCases)("$name → $expected", ({ policies, action, resource, context, boundary, expected }) => {
    const request: RequestContext = { action, resource: resource ?? REPO, principalArn: EXEC_ROLE };
    if (context) request.context = context;
    const b = boundary === undefined ? undefined : { name: "boundary", document: boundary };
    expect(evaluateIdentityPolicies(named(policies), request, b).decision).toBe(expected);
  });

  it("names the denying statement and notes malformed input", () => {
    const ev = evaluateIdentityPolicies(
      [
        { name: "AmazonECSTaskExecutionRolePolicy", document: TASK_EXECUTION_POLICY },
        { name: "inline", document: { Version: V, Statement: [{ Sid: "NoPull", Effect: "Deny", Action: "ecr:BatchGetImage", Resource: "*" }, { Effect: "allow", Action: "*", Resource: "*" }] } },
      ],
      { action: "ecr:BatchGetImage", resource: REPO },
    );
    expect(ev.decision).toBe("explicit-deny");
    expect(ev.matched).toContainEqual({ policy: "inline", sid: "NoPull", effect: "Deny", conditional: false });
    expect(ev.matched).toContainEqual({ policy: "AmazonECSTaskExecutionRolePolicy", effect: "Allow", conditional: false });
    expect(ev.notes.join("\n")).toMatch(/case-sensitive/);
  });

  it("reports unknown condition keys and marks the statement conditional", () => {
    const ev = evaluateIdentityPolicies(named([allow("ecr:*", "*", { Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } } })]), { action: "ecr:BatchGetImage", resource: REPO });
    expect(ev.decision).toBe("unknown");
    expect(ev.unknownConditions).toEqual(["aws:SourceVpce"]);
    expect(ev.matched[0]?.conditional).toBe(true);
  });

  it("does not report unknown keys of a statement another known key already rules out", () => {
    const ev = evaluateIdentityPolicies(
      named([allow("ecr:*", "*", { Condition: { StringEquals: { "aws:SourceVpce": "vpce-1", "aws:SourceAccount": ACCT } } })]),
      { action: "ecr:BatchGetImage", resource: REPO, context: { "aws:sourceaccount": REPO_ACCT } },
    );
    expect(ev.decision).toBe("implicit-deny");
    expect(ev.unknownConditions).toEqual([]);
  });

  it("explains a boundary that blocks", () => {
    const ev = evaluateIdentityPolicies(named([TASK_EXECUTION_POLICY]), { action: "ecr:BatchGetImage", resource: REPO }, { name: "DevBoundary", document: allow("logs:*") });
    expect(ev.notes.join("\n")).toMatch(/DevBoundary/);
  });
});

interface ResourceCase {
  name: string;
  statement: object | object[];
  action?: string;
  principalArn?: string;
  principalAccount?: string;
  context?: Record<string, string | string[]>;
  expected: Decision;
}

const pull = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];
const SESSION = `arn:aws:sts::${ACCT}:assumed-role/ecsTaskExecutionRole/8f2c1a`;

const resourceCases: ResourceCase[] = [
  { name: "Principal \"*\"", statement: { Effect: "Allow", Principal: "*", Action: pull }, expected: "allowed" },
  { name: "Principal {AWS: \"*\"}", statement: { Effect: "Allow", Principal: { AWS: "*" }, Action: pull }, expected: "allowed" },
  { name: "Principal account id", statement: { Effect: "Allow", Principal: { AWS: ACCT }, Action: pull }, expected: "allowed" },
  { name: "Principal account root ARN covers the account's roles", statement: { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: pull }, expected: "allowed" },
  { name: "Principal another account", statement: { Effect: "Allow", Principal: { AWS: `arn:aws:iam::999988887777:root` }, Action: pull }, expected: "implicit-deny" },
  { name: "Principal the exact role ARN", statement: { Effect: "Allow", Principal: { AWS: EXEC_ROLE }, Action: pull }, expected: "allowed" },
  { name: "Principal a different role ARN", statement: { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:role/otherRole` }, Action: pull }, expected: "implicit-deny" },
  { name: "Principal role ARN matches that role's session", statement: { Effect: "Allow", Principal: { AWS: EXEC_ROLE }, Action: pull }, principalArn: SESSION, expected: "allowed" },
  { name: "Principal list containing the account", statement: { Effect: "Allow", Principal: { AWS: ["999988887777", ACCT] }, Action: pull }, expected: "allowed" },
  { name: "Principal role wildcard is not allowed", statement: { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:role/*` }, Action: pull }, expected: "implicit-deny" },
  { name: "Principal as a unique ID (deleted role)", statement: { Effect: "Allow", Principal: { AWS: "AROAEXAMPLEID1234567" }, Action: pull }, expected: "implicit-deny" },
  { name: "Principal Service only", statement: { Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: pull }, expected: "implicit-deny" },
  { name: "explicit Deny for the account", statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:*" }, { Sid: "NoAcct", Effect: "Deny", Principal: { AWS: ACCT }, Action: "ecr:*" }], expected: "explicit-deny" },
  { name: "grants BatchGetImage: BatchGetImage", statement: { Effect: "Allow", Principal: { AWS: ACCT }, Action: "ecr:BatchGetImage" }, action: "ecr:BatchGetImage", expected: "allowed" },
  { name: "grants BatchGetImage: GetDownloadUrlForLayer not granted", statement: { Effect: "Allow", Principal: { AWS: ACCT }, Action: "ecr:BatchGetImage" }, action: "ecr:GetDownloadUrlForLayer", expected: "implicit-deny" },
  { name: "NotPrincipal Deny listing only the role still denies it", statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:*" }, { Effect: "Deny", NotPrincipal: { AWS: EXEC_ROLE }, Action: "ecr:*" }], expected: "explicit-deny" },
  { name: "NotPrincipal Deny listing the role and its account spares it", statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:*" }, { Effect: "Deny", NotPrincipal: { AWS: [EXEC_ROLE, `arn:aws:iam::${ACCT}:root`] }, Action: "ecr:*" }], expected: "allowed" },
  { name: "NotPrincipal with Allow is unsupported (ignored)", statement: { Effect: "Allow", NotPrincipal: { AWS: "999988887777" }, Action: "ecr:*" }, expected: "implicit-deny" },
  { name: "missing Principal is malformed", statement: { Effect: "Allow", Action: "ecr:*" }, expected: "implicit-deny" },
  { name: "Resource naming another repository", statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: OTHER_REPO }, expected: "implicit-deny" },
  { name: "org condition unknown offline", statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }, expected: "unknown" },
  { name: "org condition known", statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }, context: { "aws:principalorgid": "o-abc" }, expected: "allowed" },
  { name: "aws:PrincipalAccount follows from the principal", statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Condition: { StringEquals: { "aws:PrincipalAccount": ACCT } } }, expected: "allowed" },
];

describe("evaluateResourcePolicy", () => {
  it.each(resourceCases)("$name → $expected", ({ statement, action, principalArn, principalAccount, context, expected }) => {
    const repo = `arn:aws:ecr:us-east-1:${REPO_ACCT}:repository/shared`;
    const request: RequestContext = { action: action ?? "ecr:BatchGetImage", resource: repo, principalArn: principalArn ?? EXEC_ROLE };
    if (principalAccount) request.principalAccount = principalAccount;
    if (context) request.context = context;
    const document = { Version: V, Statement: statement };
    const ev = evaluateResourcePolicy({ name: "repository policy", document }, request);
    expect(ev.decision).toBe(expected);
  });

  it("works from an account id alone", () => {
    const ev = evaluateResourcePolicy(
      { name: "repo", document: { Version: V, Statement: { Effect: "Allow", Principal: { AWS: ACCT }, Action: "ecr:*" } } },
      { action: "ecr:BatchGetImage", resource: "*", principalAccount: ACCT },
    );
    expect(ev.decision).toBe("allowed");
  });

  it("notes a principal that is a unique ID", () => {
    const ev = evaluateResourcePolicy(
      { name: "repo", document: { Version: V, Statement: { Effect: "Allow", Principal: { AWS: "AROAEXAMPLEID1234567" }, Action: "ecr:*" } } },
      { action: "ecr:BatchGetImage", resource: "*", principalArn: EXEC_ROLE },
    );
    expect(ev.notes.join("\n")).toMatch(/unique ID/);
  });
});

interface TrustCase {
  name: string;
  document: unknown;
  context?: Record<string, string | string[]>;
  expected: Decision;
}

const trust = (Principal: unknown, extra: object = {}, Action: unknown = "sts:AssumeRole") => ({
  Version: V,
  Statement: [{ Effect: "Allow", Principal, Action, ...extra }],
});

const trustCases: TrustCase[] = [
  { name: "ecs-tasks.amazonaws.com", document: trust({ Service: "ecs-tasks.amazonaws.com" }), expected: "allowed" },
  { name: "ec2.amazonaws.com only", document: trust({ Service: "ec2.amazonaws.com" }), expected: "implicit-deny" },
  { name: "Service as an array", document: trust({ Service: ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"] }), expected: "allowed" },
  { name: "ecs.amazonaws.com is not ecs-tasks", document: trust({ Service: "ecs.amazonaws.com" }), expected: "implicit-deny" },
  { name: "sts:* action", document: trust({ Service: "ecs-tasks.amazonaws.com" }, {}, "sts:*"), expected: "allowed" },
  { name: "only AssumeRoleWithWebIdentity", document: trust({ Service: "ecs-tasks.amazonaws.com" }, {}, "sts:AssumeRoleWithWebIdentity"), expected: "implicit-deny" },
  { name: "AWS principal only", document: trust({ AWS: `arn:aws:iam::${ACCT}:root` }), expected: "implicit-deny" },
  { name: "aws:SourceAccount condition (ECS supplies it)", document: trust({ Service: "ecs-tasks.amazonaws.com" }, { Condition: { StringEquals: { "aws:SourceAccount": ACCT } } }), expected: "allowed" },
  { name: "aws:SourceArn ArnLike condition (ECS supplies it)", document: trust({ Service: "ecs-tasks.amazonaws.com" }, { Condition: { ArnLike: { "aws:SourceArn": `arn:aws:ecs:us-east-1:${ACCT}:*` } } }), expected: "allowed" },
  { name: "aws:SourceAccount condition contradicted by context", document: trust({ Service: "ecs-tasks.amazonaws.com" }, { Condition: { StringEquals: { "aws:SourceAccount": ACCT } } }), context: { "aws:sourceaccount": REPO_ACCT }, expected: "implicit-deny" },
  { name: "another, unknown condition", document: trust({ Service: "ecs-tasks.amazonaws.com" }, { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }), expected: "unknown" },
  { name: "explicit Deny for ecs-tasks", document: { Version: V, Statement: [trust({ Service: "ecs-tasks.amazonaws.com" }).Statement[0], { Effect: "Deny", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] }, expected: "explicit-deny" },
  { name: "Resource in a trust policy is malformed", document: trust({ Service: "ecs-tasks.amazonaws.com" }, { Resource: "*" }), expected: "implicit-deny" },
  { name: "URL-encoded trust policy", document: encodeURIComponent(JSON.stringify(trust({ Service: "ecs-tasks.amazonaws.com" }))), expected: "allowed" },
  { name: "empty document", document: {}, expected: "implicit-deny" },
];

describe("trustAllowsService", () => {
  it.each(trustCases)("$name → $expected", ({ document, context, expected }) => {
    expect(trustAllowsService(document, "ecs-tasks.amazonaws.com", context).decision).toBe(expected);
  });

  it("names the ECS-supplied condition it took as satisfied", () => {
    const ev = trustAllowsService(trust({ Service: "ecs-tasks.amazonaws.com" }, { Condition: { StringEquals: { "aws:SourceAccount": ACCT } } }), "ecs-tasks.amazonaws.com");
    expect(ev.decision).toBe("allowed");
    expect(ev.notes.join("\n")).toMatch(/aws:SourceAccount/);
    expect(ev.matched[0]?.conditional).toBe(true);
  });
});

describe("actionMatches / resourceMatches", () => {
  it.each([
    ["ecr:BatchGetImage", "ecr:BatchGetImage", true],
    ["ECR:batchgetimage", "ecr:BatchGetImage", true],
    ["ecr:*", "ecr:BatchGetImage", true],
    ["*", "ecr:BatchGetImage", true],
    ["ecr:Get*", "ecr:BatchGetImage", false],
    ["ecr:*Image", "ecr:BatchGetImage", true],
    ["ecr:BatchGetImag?", "ecr:BatchGetImage", true],
    ["ecr:BatchGetImage?", "ecr:BatchGetImage", false],
    ["s3:*", "ecr:BatchGetImage", false],
  ])("actionMatches(%s, %s) = %s", (p, a, want) => {
    expect(actionMatches(p, a)).toBe(want);
  });

  it.each([
    ["*", REPO, true],
    ["*", "*", true],
    [REPO, "*", false],
    [`arn:aws:ecr:us-east-1:${ACCT}:repository/*`, REPO, true],
    [`arn:aws:ecr:us-east-1:${ACCT}:repository/*`, `arn:aws:ecr:us-east-1:${ACCT}:repository/a/b/c`, true],
    ["arn:aws:ecr:*", REPO, true],
    [`arn:aws:ecr:us-east-1:${ACCT}:repository/WEB`, REPO, false],
    [`arn:aws:ecr:us-east-1:${ACCT}:repository/we?`, REPO, true],
    [`arn:aws:ecr:us-east-1:${ACCT}:repository/w*b*`, REPO, true],
  ])("resourceMatches(%s, %s) = %s", (p, r, want) => {
    expect(resourceMatches(p, r)).toBe(want);
  });

  // Reference: a regex built from the pattern, fine for short inputs.
  const toRegex = (p: string, flags: string) =>
    new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, flags);
  const small = fc.string({ unit: fc.constantFrom("a", "b", "A", ":", "/", "*", "?"), maxLength: 8 });
  const text = fc.string({ unit: fc.constantFrom("a", "b", "A", ":", "/"), maxLength: 10 });

  it("resourceMatches agrees with a case-sensitive regex", () => {
    fc.assert(fc.property(small, text, (p, r) => resourceMatches(p, r) === toRegex(p, "s").test(r)));
  });

  it("actionMatches agrees with a case-insensitive regex", () => {
    fc.assert(fc.property(small, text, (p, a) => actionMatches(p, a) === toRegex(p.toLowerCase(), "s").test(a.toLowerCase())));
  });

  it("stays fast on a pathological pattern", () => {
    const start = Date.now();
    expect(resourceMatches(`${"*a".repeat(40)}b`, "a".repeat(5000))).toBe(false);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});

describe("never throws on arbitrary input", () => {
  const statementish = fc.record(
    {
      Sid: fc.jsonValue(),
      Effect: fc.oneof(fc.constantFrom("Allow", "Deny", "allow"), fc.jsonValue()),
      Action: fc.oneof(fc.constantFrom("*", "ecr:*", ["ecr:Get*", "sts:AssumeRole"]), fc.jsonValue()),
      NotAction: fc.jsonValue(),
      Resource: fc.oneof(fc.constantFrom("*", REPO, `arn:aws:ecr:*:\${aws:username}`), fc.jsonValue()),
      NotResource: fc.jsonValue(),
      Principal: fc.oneof(fc.constantFrom("*", { AWS: ACCT }, { Service: ["ecs-tasks.amazonaws.com"] }), fc.jsonValue()),
      NotPrincipal: fc.jsonValue(),
      Condition: fc.oneof(
        fc.dictionary(
          fc.constantFrom("StringEquals", "ForAllValues:StringLikeIfExists", "Null", "ArnLike", "NumericLessThan", "DateGreaterThan", "IpAddress", "Bool", "Nope"),
          fc.dictionary(fc.constantFrom("aws:SourceAccount", "aws:SourceArn", "aws:TagKeys", "constructor", "aws:SourceIp"), fc.jsonValue()),
        ),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  );
  const document = fc.oneof(
    fc.jsonValue(),
    fc.record({ Version: fc.constantFrom(V, "2008-10-17", undefined), Statement: fc.oneof(statementish, fc.array(statementish, { maxLength: 4 })) }),
    fc.jsonValue().map((v) => JSON.stringify(v)),
  );
  const context = fc.dictionary(
    fc.constantFrom("aws:sourceaccount", "aws:sourcearn", "aws:tagkeys", "__proto__", "aws:sourceip", "aws:username"),
    fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
  );

  it("for arbitrary JSON documents and contexts", () => {
    fc.assert(
      fc.property(document, document, context, fc.string(), (doc, boundary, ctx, str) => {
        const request: RequestContext = { action: "ecr:BatchGetImage", resource: REPO, principalArn: EXEC_ROLE, context: ctx };
        const results = [
          evaluateIdentityPolicies([{ name: "p", document: doc }], request),
          evaluateIdentityPolicies([{ name: "p", document: doc }], request, { name: "b", document: boundary }),
          evaluateResourcePolicy({ name: "r", document: doc }, { ...request, principalArn: SESSION }),
          trustAllowsService(doc, "ecs-tasks.amazonaws.com"),
          trustAllowsService(doc, str, ctx),
        ];
        actionMatches(str, "ecr:BatchGetImage");
        resourceMatches(str, REPO);
        for (const r of results) {
          expect(["allowed", "explicit-deny", "implicit-deny", "unknown"]).toContain(r.decision);
          // The catch-all must never be what kept us alive.
          expect(r.notes.join("\n")).not.toMatch(/evaluation failed/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("for garbage in place of typed arguments", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (a, b) => {
        const results = [
          evaluateIdentityPolicies(a as NamedPolicy[], b as RequestContext, a as NamedPolicy),
          evaluateResourcePolicy(a as NamedPolicy, b as RequestContext),
          trustAllowsService(a, b as string),
        ];
        for (const r of results) expect(r.notes.join("\n")).not.toMatch(/evaluation failed/);
        actionMatches(a as string, b as string);
        resourceMatches(a as string, b as string);
      }),
    );
  });

  it("an unconditional Deny always wins, whatever else the policies say", () => {
    fc.assert(
      fc.property(document, (doc) => {
        const ev = evaluateIdentityPolicies(
          [
            { name: "p", document: doc },
            { name: "d", document: deny("ecr:BatchGetImage") },
          ],
          { action: "ecr:BatchGetImage", resource: REPO },
        );
        expect(ev.decision).toBe("explicit-deny");
      }),
    );
  });
});
