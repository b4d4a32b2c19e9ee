// The documents of the AWS managed policies that decide whether a role may
// pull from ECR, as AWS publishes them. A snapshot (or a live read that could
// not call iam:GetPolicyVersion) may name one of these by ARN without its
// document; AWS owns them and they cannot be edited, so their ECR, Secrets
// Manager and SSM grants are known. Only the statements that bear on a pull
// are kept: the rest of each policy grants nothing ecs-doctor asks about.

import type { PolicyDocument } from "../model/aws.js";

const ECR_PULL = ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"];

const allow = (actions: string[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }],
});

const BY_NAME: Record<string, PolicyDocument> = {
  AmazonECSTaskExecutionRolePolicy: allow([...ECR_PULL, "logs:CreateLogStream", "logs:PutLogEvents"]),
  AmazonEC2ContainerServiceforEC2Role: allow(ECR_PULL),
  AmazonEC2ContainerRegistryReadOnly: allow([
    ...ECR_PULL, "ecr:GetRepositoryPolicy", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages",
    "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview", "ecr:ListTagsForResource", "ecr:DescribeImageScanFindings",
  ]),
  AmazonEC2ContainerRegistryPullOnly: allow([...ECR_PULL, "ecr:BatchImportUpstreamImage"]),
  AmazonEC2ContainerRegistryPowerUser: allow([
    ...ECR_PULL, "ecr:GetRepositoryPolicy", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages",
    "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview", "ecr:ListTagsForResource", "ecr:DescribeImageScanFindings",
    "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
  ]),
  AmazonEC2ContainerRegistryFullAccess: allow(["ecr:*"]),
  AdministratorAccess: allow(["*"]),
  // A task role's EFS client access (an EFS volume with IAM authorization).
  AmazonElasticFileSystemClientReadOnlyAccess: allow(["elasticfilesystem:ClientMount", "elasticfilesystem:DescribeMountTargets"]),
  AmazonElasticFileSystemClientReadWriteAccess: allow(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:DescribeMountTargets"]),
  AmazonElasticFileSystemClientFullAccess: allow([
    "elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite", "elasticfilesystem:DescribeMountTargets",
  ]),
};

/** The document of an AWS managed policy named by ARN (arn:aws:iam::aws:policy/...), when it is one we know. */
export function awsManagedPolicyDocument(policyArn: string | undefined): PolicyDocument | undefined {
  if (!policyArn) return undefined;
  const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(policyArn);
  return m ? BY_NAME[m[1]] : undefined;
}
