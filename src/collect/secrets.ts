// The secrets a task reads at start: container `secrets`, log `secretOptions`
// and `repositoryCredentials`. Metadata only, never a value.

import type { TaskDefinition } from "../model/aws.js";
import type { SecretReference } from "../model/evidence.js";
import { known } from "../model/fact.js";

type Unresolved = Omit<SecretReference, "secret">;

/** Where a `valueFrom` points, as ECS reads it. */
export function secretTarget(valueFrom: string, region: string, accountId: string): Pick<SecretReference, "store" | "lookupId" | "resourceArn"> {
  if (valueFrom.startsWith("arn:")) {
    const parts = valueFrom.split(":");
    if (parts[2] === "secretsmanager") {
      // arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME[:json-key:version-stage:version-id]
      const base = parts.slice(0, 7).join(":");
      return { store: "secretsmanager", lookupId: base, resourceArn: base };
    }
    return { store: "ssm", lookupId: valueFrom, resourceArn: valueFrom };
  }
  // A bare name is an SSM parameter in the task's region.
  const name = valueFrom.startsWith("/") ? valueFrom : `/${valueFrom}`;
  return { store: "ssm", lookupId: valueFrom, resourceArn: `arn:aws:ssm:${region}:${accountId}:parameter${name}` };
}

export function secretReferences(def: TaskDefinition | null | undefined, region: string, accountId: string): Unresolved[] {
  const out: Unresolved[] = [];
  for (const c of def?.containerDefinitions ?? []) {
    const container = c.name ?? "?";
    for (const s of c.secrets ?? []) if (s.valueFrom) out.push({ container, field: "secrets", name: s.name, valueFrom: s.valueFrom, ...secretTarget(s.valueFrom, region, accountId) });
    for (const s of c.logConfiguration?.secretOptions ?? []) if (s.valueFrom) out.push({ container, field: "secretOptions", name: s.name, valueFrom: s.valueFrom, ...secretTarget(s.valueFrom, region, accountId) });
    const cred = c.repositoryCredentials?.credentialsParameter;
    if (cred) out.push({ container, field: "repositoryCredentials", valueFrom: cred, ...secretTarget(cred, region, accountId) });
  }
  return out;
}

export function unresolved(ref: Unresolved): SecretReference {
  return { ...ref, secret: known(null) };
}
