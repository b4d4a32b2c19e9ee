// The registry of diagnostics, alphabetical. A test fails when a file, its
// entry here, its test and its id in the contract disagree.
import type { Diagnostic } from "../src/diagnostic.js";
import containerInstanceDiskFull from "./container-instance-disk-full.js";
import customDnsResolution from "./custom-dns-resolution.js";
import ecrRepositoryPolicyDenies from "./ecr-repository-policy-denies.js";
import efsAccessDenied from "./efs-access-denied.js";
import efsFileSystemMissing from "./efs-file-system-missing.js";
import efsMountTargetMissing from "./efs-mount-target-missing.js";
import efsSecurityGroupBlocks from "./efs-security-group-blocks.js";
import ephemeralStorageFull from "./ephemeral-storage-full.js";
import executionRoleMissing from "./execution-role-missing.js";
import executionRoleNotAssumable from "./execution-role-not-assumable.js";
import imageNotFound from "./image-not-found.js";
import imagePlatformMismatch from "./image-platform-mismatch.js";
import logGroupMissing from "./log-group-missing.js";
import logPermissionsMissing from "./log-permissions-missing.js";
import natGatewayNoInternet from "./nat-gateway-no-internet.js";
import networkAclBlocks from "./network-acl-blocks.js";
import noRouteToRegistry from "./no-route-to-registry.js";
import notAPullFailure from "./not-a-pull-failure.js";
import publicIpMissing from "./public-ip-missing.js";
import pullRoleLacksEcrPermissions from "./pull-role-lacks-ecr-permissions.js";
import registryCredentialsMissing from "./registry-credentials-missing.js";
import registryCredentialsUnreadable from "./registry-credentials-unreadable.js";
import registryRateLimited from "./registry-rate-limited.js";
import repositoryNotFound from "./repository-not-found.js";
import routeBlackhole from "./route-blackhole.js";
import secretsUnreadable from "./secrets-unreadable.js";
import securityGroupEgressBlocked from "./security-group-egress-blocked.js";
import subnetAddressesExhausted from "./subnet-addresses-exhausted.js";
import unexplainedPullFailure from "./unexplained-pull-failure.js";
import vpcDnsDisabled from "./vpc-dns-disabled.js";
import vpcEndpointMissing from "./vpc-endpoint-missing.js";
import vpcEndpointPolicyDenies from "./vpc-endpoint-policy-denies.js";
import vpcEndpointPrivateDnsDisabled from "./vpc-endpoint-private-dns-disabled.js";
import vpcEndpointSecurityGroupBlocks from "./vpc-endpoint-security-group-blocks.js";

export const DIAGNOSTICS: readonly Diagnostic[] = [
  containerInstanceDiskFull,
  customDnsResolution,
  ecrRepositoryPolicyDenies,
  efsAccessDenied,
  efsFileSystemMissing,
  efsMountTargetMissing,
  efsSecurityGroupBlocks,
  ephemeralStorageFull,
  executionRoleMissing,
  executionRoleNotAssumable,
  imageNotFound,
  imagePlatformMismatch,
  logGroupMissing,
  logPermissionsMissing,
  natGatewayNoInternet,
  networkAclBlocks,
  noRouteToRegistry,
  notAPullFailure,
  publicIpMissing,
  pullRoleLacksEcrPermissions,
  registryCredentialsMissing,
  registryCredentialsUnreadable,
  registryRateLimited,
  repositoryNotFound,
  routeBlackhole,
  secretsUnreadable,
  securityGroupEgressBlocked,
  subnetAddressesExhausted,
  unexplainedPullFailure,
  vpcDnsDisabled,
  vpcEndpointMissing,
  vpcEndpointPolicyDenies,
  vpcEndpointPrivateDnsDisabled,
  vpcEndpointSecurityGroupBlocks,
];
