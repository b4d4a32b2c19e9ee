// Platforms: which ones an image index offers, which one the task runs on,
// and whether the first serves the second.

import type { ContainerInstance, Image, Instance, TaskDefinition } from "../model/aws.js";
import { type Fact, factValue, known, unknown } from "../model/fact.js";

export interface ImagePlatform {
  os: string;
  architecture: string;
  variant?: string;
}

/** The operating system a task runs on, and where it was read. */
export interface TaskOs {
  os: "linux" | "windows";
  /** For evidence: `instance Platform: windows`, `attribute ecs.os-type: windows`, `runtimePlatform.operatingSystemFamily: WINDOWS_SERVER_2022_CORE`. */
  source: string;
  /** The resource it was read from (instance id, container instance ARN, task definition ARN). */
  resource: string;
}

export interface TaskPlatform {
  os: "linux" | "windows";
  /** Where the OS was read (see TaskOs). */
  osSource: string;
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

const definitionName = (def: TaskDefinition) => def.taskDefinitionArn ?? `${def.family ?? "task definition"}:${def.revision ?? "?"}`;

/**
 * The operating system the task runs on, derived once for the whole diagnosis: the EC2
 * instance's Platform (`windows`, else blank), then the container instance's ecs.os-type
 * attribute, then the task definition's runtimePlatform.operatingSystemFamily (EC2 task
 * definitions usually leave it out), then the launch type's default, Linux.
 */
export function taskOsOf(launchType: string | undefined, instance: Instance | null, containerInstance: ContainerInstance | null, def: TaskDefinition | null): TaskOs {
  if (instance) {
    const resource = instance.InstanceId ?? "instance";
    if (/^windows/i.test(instance.Platform ?? "")) return { os: "windows", source: `instance Platform: ${instance.Platform}`, resource };
    if (/^windows/i.test(instance.PlatformDetails ?? "")) return { os: "windows", source: `instance PlatformDetails: ${instance.PlatformDetails}`, resource };
    // Platform is blank for every other OS: only PlatformDetails (`Linux/UNIX`, `Red Hat Enterprise Linux`…) says so.
    if (instance.PlatformDetails) return { os: "linux", source: `instance PlatformDetails: ${instance.PlatformDetails}`, resource };
  }
  const osType = (containerInstance?.attributes ?? []).find((a) => a.name === "ecs.os-type")?.value;
  if (osType && /^(windows|linux)$/i.test(osType)) {
    return { os: osType.toLowerCase() as TaskOs["os"], source: `attribute ecs.os-type: ${osType}`, resource: containerInstance?.containerInstanceArn ?? "container instance" };
  }
  const family = def?.runtimePlatform?.operatingSystemFamily;
  if (def && family) {
    return { os: /^WINDOWS/i.test(family) ? "windows" : "linux", source: `runtimePlatform.operatingSystemFamily: ${family}`, resource: definitionName(def) };
  }
  const resource = instance?.InstanceId ?? containerInstance?.containerInstanceArn ?? (def ? definitionName(def) : "task");
  return { os: "linux", source: `no operating system recorded (${launchType ?? "the launch type"} defaults to Linux)`, resource };
}

/** The platform a Fargate task runs on: runtimePlatform, else Linux on X86_64. */
export function fargatePlatform(def: TaskDefinition, os: TaskOs = taskOsOf("FARGATE", null, null, def)): TaskPlatform {
  const rp = def.runtimePlatform;
  const resource = definitionName(def);
  const arch = normaliseArch(rp?.cpuArchitecture);
  if (rp?.cpuArchitecture && arch) return { os: os.os, osSource: os.source, architecture: arch, source: `runtimePlatform.cpuArchitecture: ${rp.cpuArchitecture}`, resource };
  return { os: os.os, osSource: os.source, architecture: "amd64", source: "runtimePlatform.cpuArchitecture not set (Fargate defaults to X86_64)", resource };
}

/** The platform of an EC2 container instance: the instance's Architecture, else the agent's ecs.cpu-architecture attribute. */
export function instancePlatform(
  instance: Instance | null,
  containerInstance: ContainerInstance | null,
  def: TaskDefinition | null,
  os: TaskOs = taskOsOf("EC2", instance, containerInstance, def),
): TaskPlatform | undefined {
  const fromInstance = normaliseArch(instance?.Architecture);
  if (instance && fromInstance) {
    return { os: os.os, osSource: os.source, architecture: fromInstance, source: `instance Architecture: ${instance.Architecture}`, resource: instance.InstanceId ?? "instance" };
  }
  const attr = (containerInstance?.attributes ?? []).find((a) => a.name === "ecs.cpu-architecture")?.value;
  const fromAttr = normaliseArch(attr);
  if (fromAttr) {
    return {
      os: os.os, osSource: os.source, architecture: fromAttr, source: `attribute ecs.cpu-architecture: ${attr}`,
      resource: containerInstance?.containerInstanceArn ?? "container instance",
    };
  }
  return undefined;
}

/** The platform the task runs on, its OS the one `taskOsOf` derived (`os`); unknown when the facts that name it are. */
export function taskPlatformOf(
  launchType: string | undefined,
  taskDefinition: Fact<TaskDefinition | null>,
  instance: Fact<Instance | null>,
  containerInstance: Fact<ContainerInstance | null>,
  os: TaskOs,
): Fact<TaskPlatform> {
  if (launchType === "EC2") {
    const p = instancePlatform(factValue(instance) ?? null, factValue(containerInstance) ?? null, factValue(taskDefinition) ?? null, os);
    if (p) return known(p);
    if (instance.state !== "known") return instance;
    if (containerInstance.state !== "known") return containerInstance;
    return unknown("not-recorded", "ec2:DescribeInstances", "the container instance's architecture is not recorded");
  }
  if (taskDefinition.state !== "known") return taskDefinition;
  if (!taskDefinition.value) return unknown("failed", "ecs:DescribeTaskDefinition", "the task definition does not exist");
  return known(fargatePlatform(taskDefinition.value, os));
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
