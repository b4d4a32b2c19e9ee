import { shortRef } from "../src/analysis/image-ref.js";
import { defineDiagnostic, type DraftFinding, type EvidenceItem, fail, type Fix, notApplicable, pass } from "../src/diagnostic.js";
import { IAM_DOCS } from "../src/iam-fixes.js";
import type { Evidence, ImageEvidence } from "../src/model/evidence.js";
import { DOCS, quote } from "../src/model/queries.js";
import { registerTaskDefinitionHint } from "../src/fixes.js";

/** Where anonymous pulls are counted: the public address the task's traffic leaves from. */
function egressAddress(e: Evidence): EvidenceItem | undefined {
  const nat = e.network.natPath.state === "known" ? e.network.natPath.value?.natGateway : undefined;
  const ip = nat?.NatGatewayAddresses?.find((a) => a.PublicIp)?.PublicIp;
  if (nat?.NatGatewayId && ip) {
    return { resource: nat.NatGatewayId, fact: `every task behind this NAT gateway pulls from the same public IP ${ip}, and shares its anonymous pull limit` };
  }
  return undefined;
}

function dockerHubFixes(e: Evidence, i: ImageEvidence | undefined): Fix[] {
  const repo = i?.ref.repository ?? "library/IMAGE";
  const tag = i?.ref.tag ?? "TAG";
  const ecrHost = `${e.accountId}.dkr.ecr.${e.region}.amazonaws.com`;
  const fixes: Fix[] = [
    {
      summary: `Pull through ECR instead: create a pull through cache rule for Docker Hub (it needs a Docker Hub access token in Secrets Manager), then use ${ecrHost}/docker-hub/${repo}:${tag}.`,
      steps: [
        "Secrets Manager: store the Docker Hub user name and access token in a secret whose name starts with ecr-pullthroughcache/.",
        "ECR console > Private registry > Pull through cache > Add rule: upstream Docker Hub, prefix docker-hub, that secret.",
        "Grant the execution role ecr:BatchImportUpstreamImage and ecr:CreateRepository for the first pull of each image.",
      ],
      commands: [
        `aws secretsmanager create-secret --region ${e.region} --name ecr-pullthroughcache/docker-hub --secret-string '{"username":"DOCKERHUB_USER","accessToken":"DOCKERHUB_ACCESS_TOKEN"}'`,
        `aws ecr create-pull-through-cache-rule --region ${e.region} --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io --credential-arn arn:aws:secretsmanager:${e.region}:${e.accountId}:secret:ecr-pullthroughcache/docker-hub-SUFFIX`,
        registerTaskDefinitionHint(e, `set the image to "${ecrHost}/docker-hub/${repo}:${tag}"`),
      ],
      docs: [DOCS.pullThroughCache, IAM_DOCS.pullThroughCacheRule],
    },
    {
      summary: "Or pull as a Docker Hub user: store the credentials in Secrets Manager and name the secret in the container's repositoryCredentials (the execution role must be allowed secretsmanager:GetSecretValue on it).",
      commands: [
        `aws secretsmanager create-secret --region ${e.region} --name dockerhub/pull --secret-string '{"username":"DOCKERHUB_USER","password":"DOCKERHUB_ACCESS_TOKEN"}'`,
        registerTaskDefinitionHint(e, `set "repositoryCredentials": {"credentialsParameter": "arn:aws:secretsmanager:${e.region}:${e.accountId}:secret:dockerhub/pull-SUFFIX"} on the container`),
      ],
      docs: [DOCS.privateAuth],
    },
  ];
  if (repo.startsWith("library/")) {
    fixes.push({
      summary: `Or use the copy of this official image in the ECR Public Gallery: public.ecr.aws/docker/${repo}:${tag}.`,
      commands: [registerTaskDefinitionHint(e, `set the image to "public.ecr.aws/docker/${repo}:${tag}"`)],
      docs: [DOCS.pullThroughCache],
    });
  }
  return fixes;
}

/** The registry refused the pull for rate: the message proves it. */
export default defineDiagnostic({
  id: "registry-rate-limited",
  title: "No registry refused the pull for rate",
  docs: [DOCS.pullThroughCache, DOCS.privateAuth, DOCS.cannotPull],
  messageKinds: ["rate-limit"],
  stages: ["registry-auth", "manifest", "layer"],
  check(e) {
    // Only a message shows a rate limit: a preflight has none to judge.
    if (e.mode === "preflight") return notApplicable;
    const limited = e.failures.filter((f) => f.signals.kind === "rate-limit");
    if (limited.length === 0) return pass();
    const findings: DraftFinding[] = limited.map((f) => {
      const i = e.images.find((x) => x.containers.includes(f.container));
      const hub = f.signals.service === "docker-hub" || i?.ref.kind === "docker-hub";
      const aws = ["ecr-api", "ecr-dkr", "secretsmanager", "ssm", "sts", "kms", "logs"].includes(f.signals.service);
      const authenticated = Boolean(i?.definitions.some((d) => d.repositoryCredentials?.credentialsParameter)) || i?.ref.kind === "ecr";
      const nat = egressAddress(e);
      const where = hub ? "Docker Hub" : aws ? `the AWS API (${f.signals.service})` : (f.signals.host ?? i?.ref.host ?? "the registry");
      return {
        severity: "error" as const,
        certainty: "proven" as const,
        container: f.container,
        title: `${where} refused the pull of ${i ? shortRef(i.ref) : "the image"} for rate (toomanyrequests)`,
        explanation:
          `The message says ${quote(f.message, 200)}: ${where} answered HTTP 429 (too many requests). ` +
          (hub
            ? `${authenticated ? "Even authenticated pulls" : "Anonymous pulls"} from Docker Hub are limited per ${authenticated ? "account" : "public IP address"}, and ${authenticated ? "this account's" : "this network's"} allowance is used up; the task fails until the window resets. `
            : aws
              ? "AWS throttled the calls the pull makes; many tasks starting at once can exceed the API's rate. "
              : "The registry limits how often it serves pulls, and this one is over the limit. ") +
          (nat && !authenticated && hub ? "Every task behind the same NAT gateway counts against one limit. " : "") +
          "The configuration can be healthy: this is the registry's answer, not a network fault.",
        evidence: [
          { resource: `container ${f.container}`, fact: `reason: ${f.signals.summary}${f.signals.httpStatus ? ` (HTTP ${f.signals.httpStatus})` : ""}` },
          ...(i ? [{ resource: i.ref.raw, fact: `${hub ? "Docker Hub image" : `registry ${i.ref.host}`}; repositoryCredentials: ${i.definitions.find((d) => d.repositoryCredentials)?.repositoryCredentials?.credentialsParameter ?? "(none)"}` }] : []),
          ...(nat && hub ? [nat] : []),
        ],
        fixes: hub
          ? dockerHubFixes(e, i)
          : !aws
            ? [
                {
                  summary: `Pull as an authenticated user of ${where} (repositoryCredentials), or cache the image in ECR with a pull through cache rule for that registry.`,
                  commands: [
                    `aws ecr create-pull-through-cache-rule --region ${e.region} --ecr-repository-prefix mirror --upstream-registry-url ${i?.ref.host ?? "REGISTRY_HOST"} --credential-arn arn:aws:secretsmanager:${e.region}:${e.accountId}:secret:ecr-pullthroughcache/mirror-SUFFIX`,
                  ],
                  docs: [DOCS.pullThroughCache, DOCS.privateAuth],
                },
              ]
            : [
              {
                summary: "Start fewer tasks at once (the service's deployment configuration), and retry: throttling passes.",
                commands: [`aws ecs describe-services --region ${e.region} --cluster ${e.clusterArn} --services SERVICE --query 'services[0].deploymentConfiguration'`],
                docs: [DOCS.cannotPull],
              },
            ],
      };
    });
    return fail(...findings);
  },
});
