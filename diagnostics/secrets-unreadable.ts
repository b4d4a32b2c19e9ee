import { defineDiagnostic, type DraftFinding, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import { IAM_DOCS } from "../src/iam-fixes.js";
import { DOCS, quote } from "../src/model/queries.js";
import { judgeSecret, type SecretVerdict } from "../src/secret-checks.js";

/** The container's secrets and log secretOptions exist and the execution role may read them. */
export default defineDiagnostic({
  id: "secrets-unreadable",
  title: "Every secret the task reads at start exists and the execution role may read it",
  docs: [DOCS.secrets, IAM_DOCS.secretsManagerEnv, IAM_DOCS.ssmEnv, DOCS.resourceInit],
  messageKinds: ["access-denied", "secret-not-found", "invalid-parameter"],
  // Read before the pull (or, for log secretOptions, with the log configuration): a manifest or layer message shows they were read.
  stages: ["secrets", "logs"],
  check(e) {
    const refs = e.secrets.filter((s) => s.field !== "repositoryCredentials");
    if (refs.length === 0) return notApplicable;
    // Without an execution role nothing reads them: that is execution-role-missing.
    if (!e.executionRoleArn || (e.executionRole.state === "known" && e.executionRole.value === null)) return notApplicable;
    const broken: { ref: (typeof refs)[number]; v: Extract<SecretVerdict, { kind: "broken" }> }[] = [];
    let skipped: Extract<SecretVerdict, { kind: "skip" }> | undefined;
    const seen = new Set<string>();
    for (const ref of refs) {
      const key = `${ref.container}\u0000${ref.field}\u0000${ref.valueFrom}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const v = judgeSecret(e, ref);
      if (v.kind === "broken") broken.push({ ref, v });
      else if (v.kind === "skip") skipped ??= v;
    }
    if (broken.length === 0) return skipped ? skip(skipped.reason, skipped.unknown) : pass();
    const containers = [...new Set(broken.map((b) => b.ref.container))];
    const errors = broken.filter((b) => b.v.severity === "error");
    const worst = errors.length > 0 ? errors : broken;
    const certainty = worst.some((b) => b.v.certainty === "proven") ? "proven" : worst.some((b) => b.v.certainty === "message") ? "message" : "possible";
    const failure = e.failures.find((f) => f.signals.scope === "init");
    const finding: DraftFinding = {
      severity: errors.length > 0 ? "error" : "warning",
      certainty,
      ...(containers.length === 1 ? { container: containers[0] } : {}),
      title:
        (broken.length === 1
          ? `Secret ${broken[0].ref.name ?? broken[0].ref.valueFrom} of container ${broken[0].ref.container}`
          : `${broken.length} secrets of ${containers.join(", ")}`) + (errors.length > 0 ? " cannot be read at start" : " may not be readable at start"),
      explanation:
        "Before it starts the containers, ECS reads every secret they name with the execution role; one that is missing or unreadable stops the task with ResourceInitializationError: unable to pull secrets. " +
        broken.map((b) => `${b.ref.name ?? b.ref.valueFrom}: ${b.v.why}.`).join(" ") +
        (failure ? ` The message: ${quote(failure.message, 200)}.` : ""),
      evidence: broken.flatMap((b) => b.v.evidence),
      fixes: broken.flatMap((b) => b.v.fixes),
    };
    return fail(finding);
  },
});
