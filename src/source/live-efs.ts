// The live source's EFS reads, read-only: DescribeFileSystems, DescribeMountTargets,
// DescribeMountTargetSecurityGroups, DescribeAccessPoints, DescribeFileSystemPolicy.
// Imported (with @aws-sdk/client-efs) only when a task has an EFS volume: most
// tasks have none, and each SDK client costs start-up time.

import {
  DescribeAccessPointsCommand, DescribeFileSystemPolicyCommand, DescribeFileSystemsCommand,
  DescribeMountTargetSecurityGroupsCommand, DescribeMountTargetsCommand, EFSClient, type EFSClientConfig,
} from "@aws-sdk/client-efs";
import type {
  AccessPointDescription, FileSystemDescription, FileSystemPolicy, MountTargetDescription, MountTargetSecurityGroups,
} from "../model/aws.js";
import type { Fact } from "../model/fact.js";
import { inBatches, is, type LiveCalls, orMissing } from "./live.js";

export function efsClient(config: EFSClientConfig): EFSClient {
  return new EFSClient(config);
}

export class EfsReads {
  constructor(private readonly calls: LiveCalls, private readonly efs: EFSClient) {}

  describeFileSystems(fileSystemIds: string[]): Promise<Fact<FileSystemDescription[]>> {
    // One id per call: a missing file system fails its call, and must not hide the others.
    const call = "elasticfilesystem:DescribeFileSystems";
    return this.calls.fact(call, () =>
      inBatches(fileSystemIds, 1, ([FileSystemId]) =>
        orMissing(
          this.calls.run(call, (abortSignal) => this.efs.send(new DescribeFileSystemsCommand({ FileSystemId }), { abortSignal }))
            .then((out) => (out.FileSystems ?? []).map((f) => ({
              FileSystemId: f.FileSystemId, FileSystemArn: f.FileSystemArn, OwnerId: f.OwnerId, Name: f.Name, LifeCycleState: f.LifeCycleState,
              Encrypted: f.Encrypted, NumberOfMountTargets: f.NumberOfMountTargets, AvailabilityZoneName: f.AvailabilityZoneName,
            }))),
          is("FileSystemNotFound"),
          [],
        )));
  }

  describeMountTargets(fileSystemId: string): Promise<Fact<MountTargetDescription[]>> {
    const call = "elasticfilesystem:DescribeMountTargets";
    return this.calls.fact(call, () =>
      orMissing(
        this.calls.pages(call, (Marker, abortSignal) =>
          this.efs.send(new DescribeMountTargetsCommand({ FileSystemId: fileSystemId, Marker }), { abortSignal }),
        (out) => [out.MountTargets, out.NextMarker]),
        is("FileSystemNotFound"),
        [],
      ));
  }

  describeMountTargetSecurityGroups(mountTargetIds: string[]): Promise<Fact<MountTargetSecurityGroups[]>> {
    const call = "elasticfilesystem:DescribeMountTargetSecurityGroups";
    return this.calls.fact(call, () =>
      inBatches(mountTargetIds, 1, ([MountTargetId]) =>
        orMissing(
          this.calls.run(call, (abortSignal) => this.efs.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId }), { abortSignal }))
            .then((out) => [{ MountTargetId, SecurityGroups: out.SecurityGroups ?? [] }]),
          is("MountTargetNotFound"),
          [],
        )));
  }

  describeAccessPoints(accessPointIds: string[]): Promise<Fact<AccessPointDescription[]>> {
    const call = "elasticfilesystem:DescribeAccessPoints";
    return this.calls.fact(call, () =>
      inBatches(accessPointIds, 1, ([AccessPointId]) =>
        orMissing(
          this.calls.run(call, (abortSignal) => this.efs.send(new DescribeAccessPointsCommand({ AccessPointId }), { abortSignal }))
            .then((out) => (out.AccessPoints ?? []).map((a) => ({
              AccessPointId: a.AccessPointId, AccessPointArn: a.AccessPointArn, FileSystemId: a.FileSystemId, Name: a.Name,
              LifeCycleState: a.LifeCycleState, RootDirectory: a.RootDirectory?.Path !== undefined ? { Path: a.RootDirectory.Path } : undefined,
            }))),
          is("AccessPointNotFound"),
          [],
        )));
  }

  describeFileSystemPolicy(fileSystemId: string): Promise<Fact<FileSystemPolicy | null>> {
    const call = "elasticfilesystem:DescribeFileSystemPolicy";
    return this.calls.fact(call, () =>
      orMissing(
        this.calls.run(call, (abortSignal) => this.efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: fileSystemId }), { abortSignal }))
          .then((out) => ({ FileSystemId: out.FileSystemId ?? fileSystemId, Policy: out.Policy })),
        // No policy is an answer: any client that reaches a mount target may mount.
        is("PolicyNotFound", "FileSystemNotFound"),
        null,
      ));
  }
}
