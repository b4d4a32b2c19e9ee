// The registry of diagnostics, alphabetical. A test fails when a file, its
// entry here, its test and its id in the contract disagree.
import type { Diagnostic } from "../src/diagnostic.js";
import executionRoleMissing from "./execution-role-missing.js";
import imageNotFound from "./image-not-found.js";
import noRouteToRegistry from "./no-route-to-registry.js";
import notAPullFailure from "./not-a-pull-failure.js";
import publicIpMissing from "./public-ip-missing.js";
import repositoryNotFound from "./repository-not-found.js";
import unexplainedPullFailure from "./unexplained-pull-failure.js";
import vpcEndpointMissing from "./vpc-endpoint-missing.js";

export const DIAGNOSTICS: readonly Diagnostic[] = [
  executionRoleMissing,
  imageNotFound,
  noRouteToRegistry,
  notAPullFailure,
  publicIpMissing,
  repositoryNotFound,
  unexplainedPullFailure,
  vpcEndpointMissing,
];
