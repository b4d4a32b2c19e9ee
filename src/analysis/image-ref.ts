// Parses a container image reference the way Docker and containerd do:
// [host[:port]/]path[:tag][@digest], with Docker Hub's defaults.

export type RegistryKind = "ecr" | "ecr-public" | "docker-hub" | "other";

export interface ImageRef {
  /** The reference as the task definition gives it. */
  raw: string;
  kind: RegistryKind;
  /** The registry host the pull talks to (registry-1.docker.io for Docker Hub). */
  host: string;
  /** The repository path within the registry (library/nginx on Docker Hub). */
  repository: string;
  tag?: string;
  digest?: string;
  /** ECR only: the account that owns the registry and the region it is in. */
  registryId?: string;
  region?: string;
  /** ECR only: the repository ARN. */
  repositoryArn?: string;
  valid: boolean;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;
const DOCKER_HUB_HOSTS = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

export function parseImageRef(raw: string): ImageRef {
  const ref = raw.trim();
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let host = "";
  const slash = rest.indexOf("/");
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      host = first.toLowerCase();
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (!tag && !digest) tag = "latest";
  const valid = rest.length > 0 && /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(rest);

  const ecr = ECR_HOST.exec(host);
  if (ecr) {
    const [, registryId, region] = ecr;
    const partition = host.endsWith(".cn") ? "aws-cn" : "aws";
    return {
      raw, kind: "ecr", host, repository: rest, tag, digest, registryId, region, valid,
      repositoryArn: `arn:${partition}:ecr:${region}:${registryId}:repository/${rest}`,
    };
  }
  if (host === "public.ecr.aws") return { raw, kind: "ecr-public", host, repository: rest, tag, digest, valid };
  if (host === "" || DOCKER_HUB_HOSTS.has(host)) {
    const repository = rest.includes("/") ? rest : `library/${rest}`;
    return { raw, kind: "docker-hub", host: "registry-1.docker.io", repository, tag, digest, valid };
  }
  return { raw, kind: "other", host, repository: rest, tag, digest, valid };
}

/** `web:1.4.2` or `web@sha256:…`: the part of a reference people recognise. */
export function shortRef(ref: ImageRef): string {
  return `${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag}`}`;
}
