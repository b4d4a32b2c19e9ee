// Platforms: which ones an image index offers, which one the task runs on,
// and whether the first serves the second.

import type { ContainerInstance, Image, Instance, TaskDefinition } from "../model/aws.js";

export interface ImagePlatform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface TaskPlatform {
  os: "linux" | "windows";
  architecture: "amd64" | "arm64";
  /** Where it was read, for evidence: `runtimePlatform.cpuArchitecture: ARM64`, `instance i-0abc Architecture: arm64`. */
  source: string;
  /** The resource it was read from (task definition ARN, instance id). */
  resource: string;
}

const INDEX_TYPES = /manifest\.list|image\.index/;

/**
 * The platforms an image index (or Docker manifest list) offers; null for a
 * single-platform manifest, whose platform is in its config blob, which is not read.
 * Attestation entries (`unknown/unknown`) are left out.
 */
export function manifestPlatforms(image: Image | null | undefined): ImagePlatform[] | null {
  if (!image?.imageManifest) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(image.imageManifest);
  } catch {
    return null;
  }
  if (typeof doc !== "object" || doc === null) return null;
  const d = doc as { mediaType?: unknown; manifests?: unknown };
  const isIndex = Array.isArray(d.manifests) || (typeof d.mediaType === "string" && INDEX_TYPES.test(d.mediaType)) || INDEX_TYPES.test(image.imageManifestMediaType ?? "");
  if (!isIndex || !Array.isArray(d.manifests)) return null;
  const out: ImagePlatform[] = [];
  for (const m of d.manifests) {
    const p = (m as { platform?: { os?: unknown; architecture?: unknown; variant?: unknown } } | null)?.platform;
    if (!p || typeof p.os !== "string" || typeof p.architecture !== "string") continue;
    if (p.os === "unknown" || p.architecture === "unknown") continue;
    out.push({ os: p.os, architecture: p.architecture, ...(typeof p.variant === "string" ? { variant: p.variant } : {}) });
  }
  return out;
}

function normaliseArch(value: string | undefined): "amd64" | "arm64" | undefined {
  const v = (value ?? "").toLowerCase();
  if (v === "x86_64" || v === "amd64" || v === "x86-64") return "amd64";
  if (v === "arm64" || v === "aarch64" || v === "arm64_mac") return "arm64";
  return undefined;
}

/** The platform a Fargate task runs on: runtimePlatform, else Linux on X86_64. */
export function fargatePlatform(def: TaskDefinition): TaskPlatform {
  const rp = def.runtimePlatform;
  const os = (rp?.operatingSystemFamily ?? "LINUX").toUpperCase().startsWith("WINDOWS") ? "windows" : "linux";
  const resource = def.taskDefinitionArn ?? `${def.family ?? "task definition"}:${def.revision ?? "?"}`;
  const arch = normaliseArch(rp?.cpuArchitecture);
  if (rp?.cpuArchitecture && arch) return { os, architecture: arch, source: `runtimePlatform.cpuArchitecture: ${rp.cpuArchitecture}`, resource };
  return { os, architecture: "amd64", source: "runtimePlatform.cpuArchitecture not set (Fargate defaults to X86_64)", resource };
}

/** The platform of an EC2 container instance: the instance's Architecture, else the agent's ecs.cpu-architecture attribute. */
export function instancePlatform(instance: Instance | null, containerInstance: ContainerInstance | null, def: TaskDefinition | null): TaskPlatform | undefined {
  const os = (def?.runtimePlatform?.operatingSystemFamily ?? "LINUX").toUpperCase().startsWith("WINDOWS") ? "windows" : "linux";
  const fromInstance = normaliseArch(instance?.Architecture);
  if (instance && fromInstance) {
    return { os, architecture: fromInstance, source: `instance Architecture: ${instance.Architecture}`, resource: instance.InstanceId ?? "instance" };
  }
  const attr = (containerInstance?.attributes ?? []).find((a) => a.name === "ecs.cpu-architecture")?.value;
  const fromAttr = normaliseArch(attr);
  if (fromAttr) {
    return { os, architecture: fromAttr, source: `attribute ecs.cpu-architecture: ${attr}`, resource: containerInstance?.containerInstanceArn ?? "container instance" };
  }
  return undefined;
}

/** Whether one of the index's platforms serves the task: same OS and architecture (arm64 accepts variant v8 or none). */
export function platformServes(platforms: ImagePlatform[], task: TaskPlatform): boolean {
  return platforms.some(
    (p) =>
      p.os.toLowerCase() === task.os &&
      normaliseArch(p.architecture) === task.architecture &&
      (task.architecture !== "arm64" || p.variant === undefined || p.variant.toLowerCase() === "v8"),
  );
}

/** `linux/arm64/v8`, as Docker writes a platform. */
export function platformLabel(p: { os: string; architecture: string; variant?: string }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

/** The docker --platform value for a task platform. */
export function taskPlatformLabel(t: TaskPlatform): string {
  return `${t.os}/${t.architecture}`;
}
