// Every test file talks to moto as a user's shell would: endpoint, dummy keys, region.
import { inject } from "vitest";

process.env.AWS_ENDPOINT_URL = inject("motoUrl");
process.env.AWS_ACCESS_KEY_ID = "AKIAWIRETEST";
process.env.AWS_SECRET_ACCESS_KEY = "wire-test-secret";
process.env.AWS_REGION = "us-east-1";
process.env.AWS_EC2_METADATA_DISABLED = "true";
process.env.AWS_CONFIG_FILE = "/nonexistent/ecs-doctor-wire";
process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/ecs-doctor-wire";
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
