// A check whose input is unknown is skipped, never passed. For EVERY diagnostic
// of the registry (those added later too) and every demo world: each Source
// call is denied in turn (and each service's calls together), the evidence is
// collected again, and a check that passes must not owe its pass to a Fact
// the denial left unknown. It owes it when the same check, given that Fact
// known (as in the undenied world, or absent, empty, true or false), would
// fail or skip: then the unknown was read as a favourable answer. A check may
// still pass on other evidence (an image ECR described needs no repository read).
import { describe, expect, it } from "vitest";
import { DIAGNOSTICS } from "../diagnostics/index.js";
import { collectEvidence, readTask } from "../src/collect/index.js";
import type { Diagnostic } from "../src/diagnostic.js";
import type { PolicyDocument } from "../src/model/aws.js";
import type { Evidence } from "../src/model/evidence.js";
import { known, unknown } from "../src/model/fact.js";
import { SnapshotSource } from "../src/source/snapshot.js";
import type { Source } from "../src/source/source.js";
import { DEMOS } from "./fixtures/demos.js";
import { DNS_MESSAGE } from "./fixtures/network.js";
import { GHCR_IMAGE } from "./fixtures/registry-messages.js";
import { ACCOUNT, world, type World } from "./fixtures/world.js";

type Path = (string | number)[];

const isFact = (v: unknown): v is { state: string; call?: string } =>
  typeof v === "object" && v !== null && ((v as { state?: unknown }).state === "known" || (v as { state?: unknown }).state === "unknown");

/** The evidence behind a proxy that records every Fact whose state or value the check looks at. */
type Read = { path: Path; fact: { state: string; call?: string } };

function tracking(evidence: Evidence): { proxy: Evidence; read: Map<string, Read> } {
  const read = new Map<string, Read>();
  const wrap = (value: unknown, path: Path): unknown => {
    if (typeof value !== "object" || value === null || value instanceof Date) return value;
    const fact = isFact(value);
    return new Proxy(value as object, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (fact && (key === "state" || key === "value")) read.set(path.join("."), { path, fact: target as Read["fact"] });
        if (typeof key === "symbol" || typeof v === "function") return v;
        return wrap(v, [...path, Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key]);
      },
    });
  };
  return { proxy: wrap(evidence, []) as Evidence, read };
}

const statusOf = (d: Diagnostic, e: Evidence) => {
  try {
    return d.check(e).status;
  } catch {
    return "threw";
  }
};

const DENIED_BY_TEST = "test:";

/** A copy of the evidence with the value at `path` replaced, sharing everything off the path. */
function setAt<T>(root: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path;
  const node = root as Record<string | number, unknown>;
  const copy = (Array.isArray(node) ? [...node] : { ...node }) as Record<string | number, unknown>;
  copy[head] = setAt(node[head], rest, value);
  return copy as T;
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v === null || v === undefined ? undefined : (v as Record<string | number, unknown>)[k]), root);
}

/** The known answers the unknown Fact could have been: the undenied world's, and the plain ones. */
function candidates(base: Evidence, path: Path): unknown[] {
  const was = getAt(base, path) as { state?: string; value?: unknown } | undefined;
  const plain = [null, [], true, false].map((value) => known(value));
  return was?.state === "known" ? [was, ...plain] : plain;
}

/** The world's evidence with the named Source methods answering unknown (denied); the methods the collection called. */
async function evidenceWithout(w: World, denied: string[] = []): Promise<{ evidence: Evidence; called: Set<string> }> {
  const snapshot = w.build();
  const inner = new SnapshotSource(snapshot);
  const called = new Set<string>();
  const source = new Proxy(inner, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof v !== "function") return v;
      if (typeof key !== "string" || key === "accountId") return v.bind(target);
      return async (...args: unknown[]) => {
        called.add(key);
        return denied.includes(key) ? unknown("denied", `${DENIED_BY_TEST}${key}`, "denied by the test") : v.apply(target, args);
      };
    },
  }) as Source;
  const task = await readTask(source, { task: snapshot.ecs?.tasks?.[0]?.taskArn ?? "" });
  return { evidence: await collectEvidence(source, task), called };
}

/** Each call alone, then each service's calls together (a policy that leaves out ecr:Describe* denies both image reads). */
function denials(called: Set<string>): string[][] {
  const calls = [...called].filter((m) => m !== "describeTasks");
  const SERVICES: Record<string, RegExp> = {
    ecr: /^(describeRepositories|describeImages|batchGetImage|getRepositoryPolicy|describePullThroughCacheRules)$/,
    iam: /^(getRole|getInstanceProfile|simulatePrincipalPolicy)$/,
    secrets: /^(describeSecret|describeParameters)$/,
    ecs: /^(describeTaskDefinition|describeServices|describeContainerInstances)$/,
  };
  const groups = Object.values(SERVICES).map((re) => calls.filter((m) => re.test(m))).filter((g) => g.length > 1);
  const ec2 = calls.filter((m) => !Object.values(SERVICES).some((re) => re.test(m)));
  return [...calls.map((m) => [m]), ...groups, ...(ec2.length > 1 ? [ec2] : [])];
}

const READS_SECRETS: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "ssm:GetParameters", "kms:Decrypt"], Resource: "*" }],
};

// The demos fail; these pass the checks the demos leave unjudged. A new diagnostic brings its demo,
// and the coverage test below says when a passing world is still missing.
const WORLDS = [
  { name: "healthy", world: world() },
  { name: "public subnet with a public IP", world: world().inPublicSubnet("ENABLED") },
  { name: "readable secrets and parameters", world: world().withSecret().withParameter().withInlinePolicy(READS_SECRETS) },
  { name: "readable registry credentials", world: world().withImage(GHCR_IMAGE).withRepositoryCredentials().withInlinePolicy(READS_SECRETS) },
  { name: "a repository policy that allows", world: world().withRepositoryPolicy({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "ecr:*" }] }) },
  { name: "a DNS failure with the Amazon-provided DNS", world: world().failingWith(DNS_MESSAGE) },
  { name: "on EC2", world: world().onEc2() },
  { name: "a subnet with free addresses", world: world().withAvailableAddresses(200) },
  { name: "an endpoint without private DNS, bypassed by the NAT route", world: world().withEndpoints("ecr.api", "ecr.dkr").withEndpoint("ecr.dkr", { PrivateDnsEnabled: false }) },
  ...DEMOS.map((d) => ({ name: d.name, world: d.world })),
];

describe("a check whose input is unknown is skipped, never passed", () => {
  it.each(WORLDS.map((w) => [w.name, w.world] as const))("%s: every diagnostic, each call denied in turn", async (_name, w) => {
    const { evidence: base, called } = await evidenceWithout(w);
    const passedOnUnknown: string[] = [];
    let judged = 0;
    for (const denied of denials(called)) {
      const { evidence } = await evidenceWithout(w, denied);
      for (const d of DIAGNOSTICS) {
        const { proxy, read } = tracking(evidence);
        if (statusOf(d, proxy) !== "pass") continue;
        judged++;
        for (const [name, { path, fact }] of read) {
          if (fact.state !== "unknown" || !fact.call?.startsWith(DENIED_BY_TEST)) continue;
          // A candidate the check cannot take (it throws) is not an answer AWS could give.
          const outcomes = candidates(base, path).map((c) => statusOf(d, setAt(evidence, path, c)));
          const telling = outcomes.find((o) => o === "fail" || o === "skip");
          if (telling) passedOnUnknown.push(`${d.id} passed with ${denied.join("+")} denied and ${name} unknown; known, it would ${telling}`);
        }
      }
    }
    expect(passedOnUnknown).toEqual([]);
    expect(judged).toBeGreaterThan(0);
  });

  it("covers every diagnostic of the registry: each passes in some world the denials are tried on", async () => {
    const passing = new Set<string>();
    for (const { world: w } of WORLDS) {
      const { evidence } = await evidenceWithout(w);
      for (const d of DIAGNOSTICS) if (statusOf(d, evidence) === "pass") passing.add(d.id);
    }
    // Summing-up checks judge the others' outcome, not the evidence: they never pass on their own.
    const summaries = DIAGNOSTICS.filter((d) => "summarize" in d).map((d) => d.id);
    expect(DIAGNOSTICS.map((d) => d.id).filter((id) => !passing.has(id) && !summaries.includes(id))).toEqual([]);
  });
});
