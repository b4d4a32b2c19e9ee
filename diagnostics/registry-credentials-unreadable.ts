import { defineDiagnostic, type DraftFinding, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import { IAM_DOCS } from "../src/iam-fixes.js";
import { DOCS, quote } from "../src/model/queries.js";
import { failureFor, judgeSecret, type SecretVerdict } from "../src/secret-checks.js";

/** The repositoryCredentials secret exists, is not deleted, and the execution role may read and decrypt it. */
export default defineDiagnostic({
  id: "registry-credentials-unreadable",
  title: "repositoryCredentials name a secret the execution role can read",
  docs: [DOCS.privateAuth, IAM_DOCS.secretEncryption],
  messageKinds: ["access-denied", "secret-not-found", "invalid-parameter", "not-found", "unauthorized"],
  // The credentials are read before the pull: a manifest or layer message shows they were.
  stages: ["secrets", "registry-auth"],
  check(e) {
    const refs = e.secrets.filter((s) => s.field === "repositoryCredentials");
    if (refs.length === 0) return notApplicable;
    if (!e.executionRoleArn || (e.executionRole.state === "known" && e.executionRole.value === null)) return notApplicable;
    const findings: DraftFinding[] = [];
    let skipped: Extract<SecretVerdict, { kind: "skip" }> | undefined;
    for (const ref of refs) {
      const v = judgeSecret(e, ref);
      if (v.kind === "skip") skipped ??= v;
      if (v.kind !== "broken") continue;
      const image = e.images.find((i) => i.containers.includes(ref.container));
      const said = failureFor(e, ref);
      findings.push({
        severity: v.severity,
        certainty: v.certainty,
        container: ref.container,
        title: `The registry credentials of container ${ref.container} (${ref.valueFrom.split(":").pop()}) ${v.severity === "error" ? "cannot be read" : "may not be readable"}`,
        explanation:
          `Container ${ref.container} pulls ${image?.ref.raw ?? "its image"} with the credentials in ${ref.valueFrom}; ECS reads that secret with the execution role before the pull, but ${v.why}. ` +
          "Without the credentials the task stops before the pull starts." +
          (said ? ` The message: ${quote(said.message, 200)}.` : ""),
        evidence: [{ resource: e.task.taskDefinitionArn ?? "task definition", fact: `container ${ref.container}: repositoryCredentials.credentialsParameter: ${ref.valueFrom}` }, ...v.evidence],
        fixes: v.fixes,
      });
    }
    if (findings.length > 0) return fail(...findings);
    return skipped ? skip(skipped.reason, skipped.unknown) : pass();
  },
});
