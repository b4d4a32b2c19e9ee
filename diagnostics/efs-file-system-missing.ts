import { type DraftFinding, defineDiagnostic, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import { EFS_DOCS, messageNote, mountingContainer, volumeEvidence, volumeLabel } from "../src/efs-fixes.js";
import { registerTaskDefinitionHint } from "../src/fixes.js";
import { unknownReason } from "../src/model/fact.js";
import { DOCS } from "../src/model/queries.js";

const GONE = new Set(["deleting", "deleted", "error"]);

/** Every EFS volume names a file system (and access point) that exists in the task's region. */
export default defineDiagnostic({
  id: "efs-file-system-missing",
  title: "The file system (and access point) of every EFS volume exists",
  docs: [EFS_DOCS.ecsVolumes, EFS_DOCS.accessPoints],
  messageKinds: ["dns", "not-found", "access-denied"],
  stages: ["efs"],
  check(e) {
    const volumes = e.efs.volumes;
    if (volumes.length === 0) return notApplicable;
    const findings: DraftFinding[] = [];
    for (const v of volumes) {
      if (v.fileSystem.state !== "known") return skip(`cannot read file system ${v.fileSystemId}: ${unknownReason(v.fileSystem)}`, v.fileSystem);
      const fs = v.fileSystem.value;
      const state = fs?.LifeCycleState?.toLowerCase();
      const region = `--region ${e.region}`;
      if (!fs || (state && GONE.has(state))) {
        findings.push({
          severity: "error",
          certainty: "proven",
          container: mountingContainer(v),
          title: fs ? `File system ${v.fileSystemId} of ${volumeLabel(v)} is ${state}` : `File system ${v.fileSystemId} of ${volumeLabel(v)} does not exist in ${e.region}`,
          explanation:
            `Before it starts the containers, ECS mounts every EFS volume with EFS utils, which looks up ${v.fileSystemId}.efs.${e.region}.amazonaws.com. ` +
            (fs ? `The file system's LifeCycleState is ${state}: it cannot be mounted.` : `No file system ${v.fileSystemId} exists in ${e.region} (account ${e.accountId}): a misspelt id, a deleted file system, or one in another region or account.`) +
            messageNote(e, v),
          evidence: [
            volumeEvidence(e, v),
            { resource: v.fileSystemId, fact: fs ? `LifeCycleState ${state}` : `elasticfilesystem:DescribeFileSystems: FileSystemNotFound in ${e.region}` },
          ],
          fixes: [
            {
              summary: `Point volume ${v.volume} at a file system that exists in ${e.region}, or create one.`,
              steps: [
                `Amazon EFS console (${e.region}) > File systems: find the file system the task should mount and copy its id.`,
                `Amazon ECS console > Task definitions > ${e.taskDefinition.state === "known" ? (e.taskDefinition.value?.family ?? "the family") : "the family"} > Create new revision > Storage: set volume ${v.volume}'s file system, then update the service to the new revision.`,
              ],
              commands: [
                `aws efs describe-file-systems ${region} --query 'FileSystems[].[FileSystemId,Name,LifeCycleState]' --output table`,
                registerTaskDefinitionHint(e, `set volumes[name=${v.volume}].efsVolumeConfiguration.fileSystemId to the right file system id`),
              ],
              docs: [EFS_DOCS.ecsVolumes, DOCS.resourceInit],
            },
          ],
        });
        continue;
      }
      if (!v.accessPointId) continue;
      if (v.accessPoint.state !== "known") return skip(`cannot read access point ${v.accessPointId}: ${unknownReason(v.accessPoint)}`, v.accessPoint);
      const ap = v.accessPoint.value;
      const apState = ap?.LifeCycleState?.toLowerCase();
      const otherFs = ap?.FileSystemId && ap.FileSystemId !== v.fileSystemId ? ap.FileSystemId : undefined;
      if (ap && !otherFs && !(apState && GONE.has(apState))) continue;
      findings.push({
        severity: "error",
        certainty: "proven",
        container: mountingContainer(v),
        title: !ap
          ? `Access point ${v.accessPointId} of ${volumeLabel(v)} does not exist`
          : otherFs ? `Access point ${v.accessPointId} belongs to file system ${otherFs}, not ${v.fileSystemId}` : `Access point ${v.accessPointId} of ${volumeLabel(v)} is ${apState}`,
        explanation:
          `Volume ${v.volume} mounts ${v.fileSystemId} through access point ${v.accessPointId}. ` +
          (!ap ? `No access point ${v.accessPointId} exists in ${e.region}, so EFS refuses the mount.`
            : otherFs ? `That access point is one of file system ${otherFs}: an access point opens only its own file system.`
              : `Its LifeCycleState is ${apState}: it cannot be mounted.`) +
          messageNote(e, v),
        evidence: [
          volumeEvidence(e, v),
          { resource: v.accessPointId, fact: !ap ? "elasticfilesystem:DescribeAccessPoints: AccessPointNotFound" : otherFs ? `FileSystemId ${otherFs}` : `LifeCycleState ${apState}` },
        ],
        fixes: [
          {
            summary: `Name an access point of ${v.fileSystemId} in volume ${v.volume}, or create one.`,
            steps: [`Amazon EFS console > File systems > ${v.fileSystemId} > Access points: pick (or create) the access point, then set it in a new task definition revision's volume ${v.volume}.`],
            commands: [
              `aws efs describe-access-points ${region} --file-system-id ${v.fileSystemId} --query 'AccessPoints[].[AccessPointId,Name,RootDirectory.Path,LifeCycleState]' --output table`,
              `aws efs create-access-point ${region} --file-system-id ${v.fileSystemId} --root-directory 'Path=/${v.volume}'`,
              registerTaskDefinitionHint(e, `set volumes[name=${v.volume}].efsVolumeConfiguration.authorizationConfig.accessPointId to an access point of ${v.fileSystemId}`),
            ],
            docs: [EFS_DOCS.accessPoints, EFS_DOCS.ecsVolumes],
          },
        ],
      });
    }
    return findings.length > 0 ? fail(...findings) : pass();
  },
});
