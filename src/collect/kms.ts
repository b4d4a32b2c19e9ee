// The customer managed KMS keys that the task's secrets and parameters are
// encrypted with, and each key's policy: within one account the key policy
// decides whether the execution role's own kms:Decrypt counts at all.
//
// A secret or parameter may name its key by alias, and GetKeyPolicy takes no
// alias. The region's aliases are asked beside the parameters' metadata (a
// SecureString's KeyId is usually an alias), so the key policy is read in the
// round after, like the secrets' simulation; a Secrets Manager secret that
// names an alias (rare: its KmsKeyId is usually the key's ARN) asks for them then.

import { customerManagedKey } from "../analysis/permissions.js";
import type { AliasListEntry, KeyPolicy } from "../model/aws.js";
import type { KeyEvidence, SecretReference } from "../model/evidence.js";
import { type Fact, known, mapFact } from "../model/fact.js";
import type { Source } from "../source/source.js";

export type AliasReads = Map<string, Promise<Fact<AliasListEntry[]>>>;

const regionOfArn = (arn: string) => (arn.startsWith("arn:") ? arn.split(":")[3] || undefined : undefined);

/** The regions' aliases, asked at once for every region a secret or parameter to be read is in. */
export function readAliases(source: Source, lookupIds: string[], region: string): AliasReads {
  const reads: AliasReads = new Map();
  for (const id of lookupIds) {
    const where = regionOfArn(id) ?? region;
    if (!reads.has(where)) reads.set(where, source.listAliases(where));
  }
  return reads;
}

/** The key ARN a key id, key ARN, alias name or alias ARN names, in the secret's region and account. */
function keyArnOf(named: string, secretArn: string, region: string, accountId: string, aliases: Fact<AliasListEntry[]> | undefined): Fact<string | null> {
  const p = secretArn.startsWith("arn:") ? secretArn.split(":") : [];
  const partition = p[1] || "aws";
  let where = p[3] || region;
  let account = p[4] || accountId;
  if (named.startsWith("arn:")) {
    const q = named.split(":");
    if (named.includes(":key/")) return known(named);
    where = q[3] || where;
    account = q[4] || account;
  }
  const aliasAt = named.indexOf("alias/");
  if (aliasAt < 0) return known(`arn:${partition}:kms:${where}:${account}:key/${named}`);
  if (!aliases) return known(null);
  const name = named.slice(aliasAt);
  return mapFact(aliases, (list) => {
    const target = list.find((a) => a.AliasName === name)?.TargetKeyId;
    if (!target) return null;
    return target.startsWith("arn:") ? target : `arn:${partition}:kms:${where}:${account}:key/${target}`;
  });
}

export type ResolvedKey = Pick<KeyEvidence, "named" | "arn">;
type Resolved = Omit<SecretReference, "key"> & { key?: ResolvedKey };

/** Each secret with the ARN of its customer managed key (an alias resolved through the region's aliases): no call but the aliases. */
export async function resolveKeys(source: Source, refs: SecretReference[], aliasReads: AliasReads, region: string, accountId: string): Promise<Resolved[]> {
  return Promise.all(refs.map(async (ref): Promise<Resolved> => {
    const named = customerManagedKey(ref);
    if (!named) return ref;
    const secretArn = (ref.secret.state === "known" ? ref.secret.value?.ARN : undefined) ?? ref.resourceArn;
    const where = regionOfArn(named) ?? regionOfArn(secretArn) ?? region;
    const aliases = named.includes("alias/") ? await (aliasReads.get(where) ?? source.listAliases(where)) : undefined;
    return { ...ref, key: { named, arn: keyArnOf(named, secretArn, region, accountId, aliases) } };
  }));
}

/** Each resolved key joined with its policy: one GetKeyPolicy per key. */
export async function withKeyPolicies(source: Source, refs: Resolved[]): Promise<SecretReference[]> {
  const policies = new Map<string, Promise<Fact<KeyPolicy | null>>>();
  return Promise.all(refs.map(async (ref): Promise<SecretReference> => {
    const key = ref.key;
    if (!key) return ref as SecretReference;
    const arn = key.arn;
    if (arn.state !== "known") return { ...ref, key: { ...key, policy: arn } };
    if (arn.value === null) return { ...ref, key: { ...key, policy: known(null) } };
    let policy = policies.get(arn.value);
    if (!policy) {
      policy = source.getKeyPolicy(arn.value, regionOfArn(arn.value));
      policies.set(arn.value, policy);
    }
    return { ...ref, key: { ...key, policy: await policy } };
  }));
}
