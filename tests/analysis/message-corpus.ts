// Real stop reasons and container reasons as ECS, Fargate, the ECS agent,
// Docker and containerd print them. Account ids, request ids and hashes are
// sometimes replaced; the wording is not. `source` says where each was seen,
// so an entry can be checked against its origin.

import type { MessageSignals } from "../../src/analysis/message.js";

export interface CorpusEntry {
  name: string;
  message: string;
  expect: Partial<MessageSignals>;
  source: string;
}

export const corpus: CorpusEntry[] = [
  // --- Network: the task cannot reach the registry --------------------------------------
  {
    name: "EC2: i/o timeout pinging the ECR registry",
    message:
      'CannotPullContainerError: Error response from daemon: Get "https://123456789012.dkr.ecr.us-west-2.amazonawss.com/v2/": dial tcp 3.33.139.32:443: i/o timeout',
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "timeout",
      service: "ecr-dkr",
      host: "123456789012.dkr.ecr.us-west-2.amazonawss.com",
      ip: "3.33.139.32",
      port: 443,
    },
    source: "ECS troubleshooting lab notes (github, PLM-ECS lab 4), account id replaced",
  },
  {
    name: "Fargate: i/o timeout fetching a Docker Hub manifest",
    message:
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/tryretool/backend:2.110.5: failed to do request: Head "https://registry-1.docker.io/v2/tryretool/backend/manifests/2.110.5": dial tcp 34.205.13.154:443: i/o timeout',
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "timeout",
      service: "docker-hub",
      host: "registry-1.docker.io",
      ip: "34.205.13.154",
      port: 443,
      imageRef: "docker.io/tryretool/backend:2.110.5",
    },
    source: "github.com/ActionIQ/terraform-aws-retool-ecs-fargate/issues/20",
  },
  {
    name: "Fargate: inspect image has been retried, i/o timeout",
    message:
      'CannotPullContainerError: inspect image has been retried 5 time(s): failed to resolve ref "docker.io/allhome/app:latest": failed to do request: Head https://registry-1.docker.io/v2/allhome/app/manifests/latest: dial tcp 54.83.42.45:443: i/o timeout',
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "timeout",
      service: "docker-hub",
      host: "registry-1.docker.io",
      ip: "54.83.42.45",
      imageRef: "docker.io/allhome/app:latest",
    },
    source: "personal notes on ECS (github), quoting the ECS console",
  },
  {
    name: "Fargate PV1.4: i/o timeout to api.ecr while getting the token",
    message:
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.us-west-2.amazonaws.com/": dial tcp 52.94.184.143:443: i/o timeout',
    expect: {
      scope: "init",
      stage: "registry-auth",
      kind: "timeout",
      service: "ecr-api",
      host: "api.ecr.us-west-2.amazonaws.com",
      ip: "52.94.184.143",
      port: 443,
    },
    source: "ECS notes (github), stopped reason of a task in a private subnet",
  },
  {
    name: "Fargate: api.ecr timeout with the newer network hint appended",
    message:
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.ap-south-1.amazonaws.com/": dial tcp 13.234.8.23:443: i/o timeout. Please check your task network configuration.',
    expect: {
      scope: "init",
      stage: "registry-auth",
      kind: "timeout",
      service: "ecr-api",
      host: "api.ecr.ap-south-1.amazonaws.com",
      ip: "13.234.8.23",
      port: 443,
    },
    source: "README of an API Gateway redirect project (github)",
  },
  {
    name: "Fargate: api.ecr host cut short by ECS",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 1 time(s): RequestError: send request failed caused by: Post https://api.ecr....",
    expect: { scope: "init", stage: "registry-auth", kind: "unknown", service: "ecr-api", truncated: true },
    source: "github.com/aws-samples/aws-fargate-pipeline-lambda-autoscaling/issues/3",
  },
  {
    name: "EC2 agent: Client.Timeout calling api.ecr",
    message:
      'CannotPullECRContainerError: RequestError: send request failed caused by: Post "https://api.ecr.us-west-2.amazonaws.com/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
    expect: { scope: "pull", stage: "registry-auth", kind: "timeout", service: "ecr-api", host: "api.ecr.us-west-2.amazonaws.com" },
    source: "ECS troubleshooting lab notes (github, PLM-ECS lab 4)",
  },
  {
    name: "ECS agent 1.83+: network hint prefixed to an api.ecr timeout (multi-line)",
    message:
      'The task can’t pull the image. Check your network configuration. RequestError: send request failed\ncaused by: Post "https://api.ecr.us-east-1.amazonaws.com/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
    expect: { scope: "pull", stage: "registry-auth", kind: "timeout", service: "ecr-api", host: "api.ecr.us-east-1.amazonaws.com" },
    source: "aws/amazon-ecs-agent agent/engine/docker_task_engine_test.go (TestPullAndUpdateContainerReferenceErrorMessages)",
  },
  {
    name: "Docker API error (500): request canceled while waiting for connection",
    message:
      "CannotPullContainerError: API error (500): Get https://111222333444.dkr.ecr.eu-west-1.amazonaws.com/v2/: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)",
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "timeout",
      service: "ecr-dkr",
      host: "111222333444.dkr.ecr.eu-west-1.amazonaws.com",
    },
    source: "github.com/aws-samples/aws-modern-application-workshop/issues/71",
  },
  {
    name: "SSM secrets: context deadline exceeded",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: context deadline exceeded",
    expect: { scope: "init", stage: "secrets", kind: "timeout", service: "ssm" },
    source: "ECS notes (github, Japanese), task in a private subnet without a NAT route",
  },
  {
    name: "SSM secrets: deadline cut mid-word by ECS",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: context deadli...",
    expect: { scope: "init", stage: "secrets", kind: "timeout", service: "ssm", truncated: true },
    source: "github.com/umotif-public/terraform-aws-ecs-fargate/issues/50",
  },
  {
    name: "Secrets Manager: context deadline exceeded, names the secret",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:eu-west-1:463621272105:secret:rds-db-credentials/wordpress-ecs-b2fPcF from secrets manager: RequestCanceled: request context canceled caused by: context deadline exceeded. Please check your task network configuration",
    expect: {
      scope: "init",
      stage: "secrets",
      kind: "timeout",
      service: "secretsmanager",
      secretRef: "arn:aws:secretsmanager:eu-west-1:463621272105:secret:rds-db-credentials/wordpress-ecs-b2fPcF",
    },
    source: "wordpress-ecs CloudFormation project README (github)",
  },
  {
    name: "Secrets Manager: newer 'connection issue' wording, SDK v2 error",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: There is a connection issue between the task and AWS Secrets Manager. Check your task network configuration. failed to fetch secret arn:aws:secretsmanager:us-east-1:913524921896:secret:rds!db-a57bd929-5fa6-42c0-8024-fe8c94e49451 from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 0, RequestID: , canceled, context deadline exceeded.",
    expect: {
      scope: "init",
      stage: "secrets",
      kind: "timeout",
      service: "secretsmanager",
      secretRef: "arn:aws:secretsmanager:us-east-1:913524921896:secret:rds!db-a57bd929-5fa6-42c0-8024-fe8c94e49451",
    },
    source: "deployment notes of a marketplace project (github)",
  },
  {
    name: "DNS: no such host for a mistyped ECR registry",
    message:
      'CannotPullContainerError: Error response from daemon: Get "https://123456789012.dkr.ecr.us-west-2.amazonaws.commmmm/v2/": dial tcp: lookup 123456789012.dkr.ecr.us-west-2.amazonaws.commmmm on 10.0.0.2:53: no such host',
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "dns",
      service: "ecr-dkr",
      host: "123456789012.dkr.ecr.us-west-2.amazonaws.commmmm",
    },
    source: "ECS troubleshooting lab notes (github, PLM-ECS lab 5), account id replaced",
  },
  {
    name: "DNS: lookup of registry-1.docker.io, cut before the verdict",
    message:
      'CannotPullContainerError: failed to resolve ref "docker.io/docker/ecs-searchdomain-sidecar:1.0": failed to do request: Head https://registry-1.docker.io/v2/docker/ecs-searchdomain-sidecar/manifests/1.0: dial tcp: lookup registry-1.docker.io on 172.31.0...',
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "dns",
      service: "docker-hub",
      host: "registry-1.docker.io",
      imageRef: "docker.io/docker/ecs-searchdomain-sidecar:1.0",
      truncated: true,
    },
    source: "github.com/docker-archive/compose-cli/issues/911",
  },
  {
    name: "Docker daemon: connection refused by the proxy",
    message:
      "(HTTP code 500) server error - Get https://registry-1.docker.io/v2/: proxyconnect tcp: dial tcp 127.0.0.1:3128: getsockopt: connection refused",
    expect: { scope: "pull", stage: "manifest", kind: "refused", service: "docker-hub", ip: "127.0.0.1", port: 3128 },
    source: "github.com/docker-archive-public/docker.kitematic/issues/3573",
  },
  {
    name: "Docker daemon: connection refused by the registry",
    message:
      "Error while pulling image: Get https://index.docker.io/v1/repositories/trilokdev/suppcolliimepics/images: dial tcp 52.207.178.113:443: getsockopt: connection refused",
    expect: {
      scope: "pull",
      kind: "refused",
      service: "docker-hub",
      host: "index.docker.io",
      ip: "52.207.178.113",
      port: 443,
    },
    source: "github.com/docker-archive-public/docker.kitematic/issues/2226",
  },
  {
    name: "containerd: connection reset reading the manifest",
    message:
      'failed to pull and unpack image "docker.io/library/busybox:1.36.1": failed to resolve reference "docker.io/library/busybox:1.36.1": failed to do request: Head "https://registry-1.docker.io/v2/library/busybox/manifests/1.36.1": read tcp 10.2.0.49:42728->23.20.95.219:443: read: connection reset by peer',
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "reset",
      service: "docker-hub",
      host: "registry-1.docker.io",
      ip: "23.20.95.219",
      port: 443,
      imageRef: "docker.io/library/busybox:1.36.1",
    },
    source: "kubelet event quoted in an SRE agent transcript (github); same containerd text Fargate wraps",
  },
  {
    name: "TLS: x509 certificate signed by unknown authority",
    message: "CannotPullContainerError: Error response from daemon: Get https://registry-1.docker.io/v2/: x509: certificate signed by unknown authority",
    expect: { scope: "pull", stage: "manifest", kind: "tls", service: "docker-hub", host: "registry-1.docker.io" },
    source: "ECS notes of a team behind a TLS-inspecting network (github)",
  },

  // --- HTTP answers from the registry or S3 ------------------------------------------------
  {
    name: "Fargate: 403 Forbidden downloading a layer (S3 gateway endpoint policy)",
    message: "CannotPullContainerError: failed to copy: httpReadSeeker: failed open: unexpected status code 403 Forbidden",
    expect: { scope: "pull", stage: "layer", kind: "forbidden", httpStatus: 403 },
    source: "zenn.dev/carenet/articles/5db608fea5ca51",
  },
  {
    name: "EC2: S3 answers 403 AccessDenied XML for the image configuration blob",
    message:
      'CannotPullContainerError: error pulling image configuration: error parsing HTTP 403 response body: invalid character \'<\' looking for beginning of value: "<?xml version=\\"1.0\\" encoding=\\"UTF-8\\"?>\\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>.....',
    expect: { scope: "pull", stage: "layer", kind: "forbidden", httpStatus: 403, truncated: true },
    source: "qiita.com/wildeagle/items/72dab00a16f11f9671d5",
  },
  {
    name: "ECR without credentials: no basic auth credentials",
    message:
      "Error response from daemon: Get https://533243300146.dkr.ecr.us-east-1.amazonaws.com/v2/newrelic/logging-firelens-fluentbit/manifests/latest: no basic auth credentials",
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "unauthorized",
      service: "ecr-dkr",
      host: "533243300146.dkr.ecr.us-east-1.amazonaws.com",
    },
    source: "github.com/aws-samples/amazon-ecs-firelens-examples/issues/28",
  },
  {
    name: "Docker Hub: 401 insufficient_scope on a mistyped official image",
    message:
      'CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve ref "docker.io/library/ngin:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    expect: { scope: "pull", stage: "manifest", kind: "unauthorized", service: "docker-hub", imageRef: "docker.io/library/ngin:latest" },
    source: "ecs-tracer tool README (github), Fargate stopped reason",
  },
  {
    name: "Service event: unable to place a task, insufficient_scope",
    message:
      "(service test_def-service-vnwns50w) was unable to place a task. Reason: CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref docker.io/library/repository:latest: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed.",
    expect: { scope: "pull", stage: "manifest", kind: "unauthorized", service: "docker-hub", imageRef: "docker.io/library/repository:latest" },
    source: "AWS incident-report sample output (github)",
  },
  {
    name: "pull access denied ... may require 'docker login' (no registry host)",
    message:
      "CannotPullContainerError: Error response from daemon: pull access denied for myprivate/testbatch, repository does not exist or may require 'docker login'",
    expect: { scope: "pull", stage: "manifest", kind: "unauthorized", service: "docker-hub", imageRef: "myprivate/testbatch" },
    source: "github.com/awslabs/aws-batch-helpers/issues/4",
  },
  {
    name: "ECS agent 1.83+: 'check whether the image exists' hint",
    message:
      "The task can’t pull the image. Check whether the image exists. Error response from daemon: pull access denied for some/nonsense, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    expect: { scope: "pull", stage: "manifest", kind: "unauthorized", service: "docker-hub", imageRef: "some/nonsense" },
    source: "aws/amazon-ecs-agent agent/engine/docker_task_engine_test.go (ECRImageDoesNotExistError)",
  },

  // --- IAM: the role may not make the call -------------------------------------------------
  {
    name: "Fargate: execution role lacks ecr:GetAuthorizationToken (SDK v2 wording)",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 1 time(s): operation error ECR: GetAuthorizationToken, https response error StatusCode: 400, RequestID: 415e6826-9d7a-4ef1-8eea-8eec9105a1a8, api error AccessDeniedException: User: arn:aws:sts::193654356005:assumed-role/CruddurServiceExecutionRole/bc88e9b6acd947589d99b68067f8de59 is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action",
    expect: {
      scope: "init",
      stage: "registry-auth",
      kind: "access-denied",
      service: "ecr-api",
      deniedAction: "ecr:GetAuthorizationToken",
      deniedResource: "*",
      principal: "arn:aws:sts::193654356005:assumed-role/CruddurServiceExecutionRole/bc88e9b6acd947589d99b68067f8de59",
      httpStatus: 400,
    },
    source: "bootcamp troubleshooting notes (github, Cruddur), service event reason",
  },
  {
    name: "EC2 agent: GetAuthorizationToken denied by a VPC endpoint policy",
    message:
      "CannotPullECRContainerError: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/PLM-ECS-PLMECSTaskExecutionAndTaskRole-1I2VC5SGVU8Y1/8ff4fbc265ee40bba57f8f709c43fef3 is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no VPC endpoint policy allows the ecr:GetAuthorizationToken action\\n\\tstatus code: 400, request id: 3d181671-2223-4f93-914b-92c606357e06",
    expect: {
      scope: "pull",
      stage: "registry-auth",
      kind: "access-denied",
      service: "ecr-api",
      deniedAction: "ecr:GetAuthorizationToken",
      deniedResource: "*",
      principal:
        "arn:aws:sts::123456789012:assumed-role/PLM-ECS-PLMECSTaskExecutionAndTaskRole-1I2VC5SGVU8Y1/8ff4fbc265ee40bba57f8f709c43fef3",
      httpStatus: 400,
    },
    source: "ECS troubleshooting lab notes (github, PLM-ECS lab 4, agent log), account id replaced",
  },
  {
    name: "Elastic Beanstalk on ECS: essential container exited because the pull was denied",
    message:
      "ECS task stopped due to: Essential container in task exited. (aws-eb-docker-django-skeleton: CannotPullContainerError: AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/aws-elasticbeanstalk-ec2-role/i-00000000 is not authorized to perform: ecr:GetAuthorizationToken on resource: * status code: 400, request id: 00000000-0000-0000)",
    expect: {
      scope: "pull",
      stage: "registry-auth",
      kind: "access-denied",
      service: "ecr-api",
      deniedAction: "ecr:GetAuthorizationToken",
      principal: "arn:aws:sts::000000000000:assumed-role/aws-elasticbeanstalk-ec2-role/i-00000000",
    },
    source: "Elastic Beanstalk Docker walkthrough (github, Japanese)",
  },
  {
    name: "EC2: instance role lacks ecr:BatchGetImage",
    message:
      "Error response from daemon: pull access denied for 111111111111.dkr.ecr.us-west-2.amazonaws.com/myapp, repository does not exist or may require 'docker login': denied: User: arn:aws:sts::111111111111:assumed-role/ecsInstanceRole/i-01a01a01a01a01a01a is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-west-2:111111111111:repository/myapp because no resource-based policy allows the ecr:BatchGetImage action",
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "access-denied",
      service: "ecr-dkr",
      host: "111111111111.dkr.ecr.us-west-2.amazonaws.com",
      imageRef: "111111111111.dkr.ecr.us-west-2.amazonaws.com/myapp",
      deniedAction: "ecr:BatchGetImage",
      deniedResource: "arn:aws:ecr:us-west-2:111111111111:repository/myapp",
      principal: "arn:aws:sts::111111111111:assumed-role/ecsInstanceRole/i-01a01a01a01a01a01a",
    },
    source: "aws/amazon-ecs-agent agent/dockerclient/dockerapi/errors_test.go (TestRedactEcrUrls)",
  },
  {
    name: "ECS agent 1.83+: role hint prefixed to a BatchGetImage denial",
    message:
      "The task can’t pull the image. Check that the role has the permissions to pull images from the registry. Error response from daemon: pull access denied for 123123123123.dkr.ecr.us-east-1.amazonaws.com/my_image, repository does not exist or may require 'docker login': denied: User: arn:aws:sts::123123123123:assumed-role/MyBrokenRole/xyz is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:123123123123:repository/test_image because no identity-based policy allows the ecr:BatchGetImage action",
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "access-denied",
      service: "ecr-dkr",
      imageRef: "123123123123.dkr.ecr.us-east-1.amazonaws.com/my_image",
      deniedAction: "ecr:BatchGetImage",
      deniedResource: "arn:aws:ecr:us-east-1:123123123123:repository/test_image",
    },
    source: "aws/amazon-ecs-agent agent/engine/docker_task_engine_test.go (MissingECRBatchGetImageError)",
  },
  {
    name: "Secrets Manager: execution role lacks secretsmanager:GetSecretValue",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:ap-south-1:221192224682:secret:awsExampleSecret-7qFlRJ from secrets manager: AccessDeniedException: User: arn:aws:sts::221192224682:assumed-role/ecsTaskExecutionRole/26e17af95b5e431893308026b892584f is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:ap-south-1:221192224682:secret:awsExampleSecret-7qFlRJ because no identity-based policy allows the secretsmanager:GetSecretValue action status code: 400, request id: 359958d1-e041-4547-9bfa-1e289cd3a745",
    expect: {
      scope: "init",
      stage: "secrets",
      kind: "access-denied",
      service: "secretsmanager",
      deniedAction: "secretsmanager:GetSecretValue",
      deniedResource: "arn:aws:secretsmanager:ap-south-1:221192224682:secret:awsExampleSecret-7qFlRJ",
      secretRef: "arn:aws:secretsmanager:ap-south-1:221192224682:secret:awsExampleSecret-7qFlRJ",
      principal: "arn:aws:sts::221192224682:assumed-role/ecsTaskExecutionRole/26e17af95b5e431893308026b892584f",
      httpStatus: 400,
    },
    source: "blog on ECS secrets (github, chhayasingh0112/blogs)",
  },
  {
    name: "Secrets Manager: customer managed KMS key not usable by the execution role",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:eu-central-1:123456789012:secret:algo-dev-directus-secret20240626183203358800000004-EaPYTy from secrets manager: AccessDeniedException: Access to KMS is not allowed status code: 400, request id: a87a66d9-f839-4353-b8c2-9984b1465695",
    expect: {
      scope: "init",
      stage: "secrets",
      kind: "access-denied",
      service: "secretsmanager",
      secretRef: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:algo-dev-directus-secret20240626183203358800000004-EaPYTy",
    },
    source: "github.com/GiamPy5/terraform-aws-directus/issues/10, account placeholder replaced",
  },
  {
    name: "SSM: execution role lacks ssm:GetParameters",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::471112983866:assumed-role/ecsTaskExecutionRole/17cbd22653424f62971b13fffcf6113e is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:ap-northeast-2:471112983866:parameter/JobSyncHub/email/AWS_SES_SENDER because no identity-based policy allows the ssm:GetParameters action status code: 400, request id: 119b9aff-b7c0-4a82-a57c-f193bd929bc",
    expect: {
      scope: "init",
      stage: "secrets",
      kind: "access-denied",
      service: "ssm",
      deniedAction: "ssm:GetParameters",
      deniedResource: "arn:aws:ssm:ap-northeast-2:471112983866:parameter/JobSyncHub/email/AWS_SES_SENDER",
      secretRef: "arn:aws:ssm:ap-northeast-2:471112983866:parameter/JobSyncHub/email/AWS_SES_SENDER",
    },
    source: "deployment notes (github, Korean), JobSyncHub",
  },
  {
    name: "SSM: ssm:GetParameters denied, SDK v2 wording over several lines",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: \nexecution resource retrieval failed: unable to retrieve secrets from ssm: \nservice call has been retried 1 time(s): operation error SSM: GetParameters, \nhttps response error StatusCode: 400, RequestID: ..., \napi error AccessDeniedException: User: arn:aws:sts::846505724644:assumed-role/yukpomnang-ecs-execution-role/... \nis not authorized to perform: ssm:GetParameters on resource: \narn:aws:ssm:eu-west-1:846505724644:parameter/yukpomnang/production/DATABASE_URL \nbecause no identity-based policy allows the ssm:GetParameters action",
    expect: {
      scope: "init",
      stage: "secrets",
      kind: "access-denied",
      service: "ssm",
      deniedAction: "ssm:GetParameters",
      deniedResource: "arn:aws:ssm:eu-west-1:846505724644:parameter/yukpomnang/production/DATABASE_URL",
      principal: "arn:aws:sts::846505724644:assumed-role/yukpomnang-ecs-execution-role",
      httpStatus: 400,
    },
    source: "ECS diagnosis notes (github, French)",
  },
  {
    name: "EC2 agent: SSM Parameter Store access denied",
    message:
      "Fetching secret data from SSM Parameter Store in us-west-2: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/PLM-ECS-PLMECSTaskExecutionAndTaskRole-1I2VC5SGVU8Y1/5c0a28eeb5fc45828b57e982c940d1ea is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-west-2:123456789012:parameter/PLMSecretParameter because no identity-based policy allows the ssm:GetParameters action status code: 400, request id: f2a5572f-3f7a-4cf1-8fdf-be6439d78e97",
    expect: {
      scope: "init",
      stage: "secrets",
      kind: "access-denied",
      service: "ssm",
      deniedAction: "ssm:GetParameters",
      secretRef: "arn:aws:ssm:us-west-2:123456789012:parameter/PLMSecretParameter",
    },
    source: "ECS troubleshooting lab notes (github, PLM-ECS lab 5), account id replaced",
  },
  {
    name: "CloudWatch Logs: execution role lacks logs:CreateLogGroup",
    message:
      "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log group: AccessDeniedException: User: arn:aws:sts::997763366404:assumed-role/ecsTaskExecutionRole/d7795e52a4434edf80f4923f3b836d9f is not authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:us-east-2:997763366404:log-group:/ecs/kh-td-poc-ccure-alert-notifier:log-stream: because no identity-based policy allows the logs:CreateLogGroup action status code: 400, request id: 8d35f57a-a92f-4784-9922-ebb27eba0504 : exit status 1",
    expect: {
      scope: "init",
      stage: "logs",
      kind: "access-denied",
      service: "logs",
      deniedAction: "logs:CreateLogGroup",
      deniedResource: "arn:aws:logs:us-east-2:997763366404:log-group:/ecs/kh-td-poc-ccure-alert-notifier:log-stream:",
    },
    source: "project notes on an ECS alert notifier (github)",
  },

  // --- Missing secrets and parameters ------------------------------------------------------
  {
    name: "Secrets Manager: ResourceNotFoundException, secret has no AWSCURRENT value",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: \nexecution resource retrieval failed: unable to retrieve secret from asm: \nservice call has been retried 1 time(s): failed to fetch secret \narn:aws:secretsmanager:ap-southeast-2:220711411889:secret:ohmycoins-prod-app-secrets-i464n3 \nfrom secrets manager: operation error Secrets Manager: GetSecretValue, \nhttps response error StatusCode: 400, RequestID: 047440d4-e3fb-4209-af2d-d60c94cd45f0, \nResourceNotFoundException: Secrets Manager can't find the specified secret value \nfor staging label: AWSCURRENT",
    expect: {
      scope: "init",
      stage: "secrets",
      kind: "secret-not-found",
      service: "secretsmanager",
      secretRef: "arn:aws:secretsmanager:ap-southeast-2:220711411889:secret:ohmycoins-prod-app-secrets-i464n3",
    },
    source: "sprint report of the ohmycoins project (github)",
  },
  {
    name: "Secrets Manager: can't find the specified secret",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    expect: { scope: "init", stage: "secrets", kind: "secret-not-found", service: "secretsmanager" },
    source: "runbook of the afu9 control center (github, German)",
  },
  {
    name: "SSM: invalid ssm parameters (parameter does not exist)",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /wishkit/parsing-engine/gemini-api-key",
    expect: {
      scope: "init",
      stage: "secrets",
      kind: "invalid-parameter",
      service: "ssm",
      secretRef: "/wishkit/parsing-engine/gemini-api-key",
    },
    source: "work log of the wishkit parsing engine (github, Korean)",
  },
  {
    name: "EC2 agent: invalid parameters from SSM Parameter Store",
    message: "Fetching secret data from SSM Parameter Store in us-west-2: invalid parameters: /PLMSecretParameter",
    expect: { scope: "init", stage: "secrets", kind: "invalid-parameter", service: "ssm", secretRef: "/PLMSecretParameter" },
    source: "ECS troubleshooting lab notes (github, PLM-ECS lab 5)",
  },
  {
    name: "Secrets Manager: JSON key named in valueFrom is missing",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from Secrets Manager did not contain json key creds_key",
    expect: { scope: "init", stage: "secrets", kind: "invalid-parameter", service: "secretsmanager" },
    source: "LibreChat CDK stack troubleshooting (github)",
  },
  {
    name: "Private registry credentials from Secrets Manager, cut by ECS",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to get registry auth from asm: service call has been retried 5 time(s): asm fetching secret from the service for ...",
    expect: { scope: "init", stage: "secrets", kind: "unknown", service: "secretsmanager", truncated: true },
    source: "github.com/aws-samples/keycloak-on-aws/issues/222",
  },
  {
    name: "SSM: reason cut right after the retry count",
    message:
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s)",
    expect: { scope: "init", stage: "secrets", kind: "unknown", service: "ssm" },
    source: "aws/copilot-cli internal/pkg/describe task status test",
  },

  // --- The image or tag is not there -------------------------------------------------------
  {
    name: "Docker daemon: manifest unknown",
    message: "Error response from daemon: manifest for amazonlinux:2023.6.20250203.1 not found: manifest unknown: manifest unknown",
    expect: { scope: "pull", stage: "manifest", kind: "not-found", service: "docker-hub", imageRef: "amazonlinux:2023.6.20250203.1" },
    source: "github.com/amazonlinux/amazon-linux-2023/issues/910",
  },
  {
    name: "containerd: tag not found in ECR",
    message:
      'CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve ref "506504484053.dkr.ecr.us-east-1.amazonaws.com/my-first-ecr-repo:latest": 506504484053.dkr.ecr.us-east-1.amazonaws.com/my-first-ecr-repo:latest: not found',
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "not-found",
      service: "ecr-dkr",
      host: "506504484053.dkr.ecr.us-east-1.amazonaws.com",
      imageRef: "506504484053.dkr.ecr.us-east-1.amazonaws.com/my-first-ecr-repo:latest",
    },
    source: "ECR/ECS tutorial notes (github)",
  },
  {
    name: "ECR: name unknown, repository does not exist",
    message:
      "Error response from daemon: repository 111122223333.dkr.ecr.us-east-1.amazonaws.com/ecr-public/amazonlinux/amazonlinux not found: name unknown: The repository with name 'ecr-public/amazonlinux/amazonlinux' does not exist in the registry with id '111122223333'",
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "not-found",
      service: "ecr-dkr",
      host: "111122223333.dkr.ecr.us-east-1.amazonaws.com",
      imageRef: "111122223333.dkr.ecr.us-east-1.amazonaws.com/ecr-public/amazonlinux/amazonlinux",
    },
    source: "AWS ECR user guide, 'Troubleshooting pull through cache issues' (quoted in Japanese notes)",
  },
  {
    name: "Docker API error (404): ECR repository not found",
    message: "API error (404): repository 111122223333.dkr.ecr.us-east-1.amazonaws.com/repo1/image1 not found",
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "not-found",
      service: "ecr-dkr",
      imageRef: "111122223333.dkr.ecr.us-east-1.amazonaws.com/repo1/image1",
      httpStatus: 404,
    },
    source: "aws/amazon-ecs-agent agent/engine/docker_task_engine_test.go (UntouchedError)",
  },
  {
    name: "Docker API error (404): Docker Hub repository not found",
    message: "CannotPullContainerError: API error (404): repository serverless-batch not found: does not exist or no pull access",
    expect: { scope: "pull", stage: "manifest", kind: "not-found", service: "docker-hub", imageRef: "serverless-batch", httpStatus: 404 },
    source: "github.com/RafalWilinski/deploy-with-serverless/issues/11",
  },
  {
    name: "Old agent: tag not found in repository",
    message: "CannotPullContainerError: Tag latest not found in repository docker.io/library/owncloud",
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "not-found",
      service: "docker-hub",
      host: "docker.io",
      imageRef: "docker.io/library/owncloud:latest",
    },
    source: "github.com/aws/amazon-ecs-agent/issues/422",
  },

  // --- Rate limits -------------------------------------------------------------------------
  {
    name: "Docker Hub pull rate limit (daemon)",
    message:
      "Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
    expect: { scope: "pull", stage: "manifest", kind: "rate-limit", service: "docker-hub" },
    source: "github.com/docker/hub-feedback/issues/2429",
  },
  {
    name: "Docker Hub pull rate limit (containerd, 429 on a manifest)",
    message:
      "failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/cypress/included/manifests/sha256:86e3bff9634b85a5239a65974ac3c98f51277a8e1519fbd57b5e528f55ab8bf7: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
    expect: {
      scope: "pull",
      stage: "manifest",
      kind: "rate-limit",
      service: "docker-hub",
      host: "registry-1.docker.io",
      httpStatus: 429,
    },
    source: "github.com/apptension/saas-boilerplate/issues/204",
  },
  {
    name: "ECR Public throttling",
    message: "Error response from daemon: toomanyrequests: Rate exceeded",
    expect: { scope: "pull", kind: "rate-limit" },
    source: "github.com/zebrunner/mcloud-agent/issues/235 (pulling from public.ecr.aws)",
  },

  // --- Wrong CPU architecture --------------------------------------------------------------
  {
    name: "Fargate: no descriptor for linux/amd64 (image built on Apple silicon)",
    message:
      "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
    expect: { scope: "pull", stage: "manifest", kind: "platform", platform: "linux/amd64" },
    source: "platform build incident notes (github)",
  },
  {
    name: "Docker: no matching manifest for linux/arm64/v8",
    message: "no matching manifest for linux/arm64/v8 in the manifest list entries",
    expect: { scope: "pull", stage: "manifest", kind: "platform", platform: "linux/arm64/v8" },
    source: "README of a Laravel project (github), Docker on Apple silicon",
  },
  {
    name: "Docker: no matching manifest for linux/amd64",
    message: "no matching manifest for linux/amd64 in the manifest list entries",
    expect: { scope: "pull", stage: "manifest", kind: "platform", platform: "linux/amd64" },
    source: "github.com/amazonlinux/container-images/issues/127",
  },

  // --- Disk --------------------------------------------------------------------------------
  {
    name: "EC2: no space left writing a blob (AWS docs)",
    message: "write /var/lib/docker/tmp/GetImageBlob111111111: no space left on device",
    expect: { scope: "pull", stage: "layer", kind: "disk" },
    source: "AWS docs, 'CannotPullContainer task errors in Amazon ECS'",
  },
  {
    name: "EC2: failed to register layer, no space left",
    message:
      "CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): write /tmp/my_large_file: no space left on device",
    expect: { scope: "pull", stage: "layer", kind: "disk" },
    source: "github.com/aws/amazon-ecs-agent/issues/1434",
  },
  {
    name: "Fargate PV1.3: failed to register layer, no space left",
    message:
      "CannotPullContainerError: failed to register layer: Error processing tar file(exit status 1): write /usr/local/cuda-10.1/targets/x86_64-linux/lib/libcusolverMg.so.10.2.0.243: no space left on device",
    expect: { scope: "pull", stage: "layer", kind: "disk" },
    source: "github.com/coiled/feedback/issues/66",
  },
  {
    name: "Fargate PV1.4: failed to extract layer, ephemeral storage full",
    message:
      "CannotPullContainerError: ref pull has been retried 1 time(s): failed to extract layer sha256:7c524a8642865c29df8d3973cefe8430653ba7fea85bd386e24e522601c30227: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/86/fs/home/notebook-user/.local/lib/python3.10/site-packages/numpy/linalg/__pycache__/linalg.cpython-310.pyc: no space left on device: unknown",
    expect: { scope: "pull", stage: "layer", kind: "disk" },
    source: "github.com/anomalyco/sst/pull/3542",
  },
  {
    name: "Fargate Windows: not enough space on the disk",
    message:
      "CannotPullContainerError: ref pull has been retried 1 time(s): failed to extract layer sha256:20ba09231e05c5bd253427261d27d7f26e7588bfe682b586a2767f0419305236: hcsshim::ImportLayer - failed failed in Win32: There is not enough space on the disk. (0x70)...",
    expect: { scope: "pull", stage: "layer", kind: "disk", truncated: true },
    source: "github.com/aws/containers-roadmap/issues/1598",
  },

  // --- Layers and S3 -----------------------------------------------------------------------
  {
    name: "Fargate: ref pull has been retried, failed open on the S3 layer URL",
    message:
      'ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/d1d1d1-222222222222-11d11d1d-4444-aaaa-bbbb-e4444gg4g4g4/9s9s9s9s9s-2b2b-a2a2-dddd-gg99gg99gg99?X-Amz-Security-Token=mysup3rs3cr3ttok3n"',
    expect: {
      scope: "pull",
      stage: "layer",
      service: "s3",
      host: "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com",
    },
    source: "aws/amazon-ecs-agent agent/dockerclient/dockerapi/errors_test.go (TestRedactEcrUrls)",
  },
  {
    name: "ECS agent: S3 layer URL redacted to the image it belongs to",
    message:
      "ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get REDACTED ECR URL related to 111111111111.dkr.ecr.us-east-1.amazonaws.com/myapp",
    expect: { scope: "pull", stage: "layer", service: "s3", imageRef: "111111111111.dkr.ecr.us-east-1.amazonaws.com/myapp" },
    source: "aws/amazon-ecs-agent agent/dockerclient/dockerapi/errors_test.go (TestRedactEcrUrls)",
  },
  {
    name: "Fargate: layer download timed out, URL replaced by the image reference",
    message:
      "CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get 626394096352.dkr.ecr.ap-northeast-1.amazonaws.com/ma-kuramochiku-ecs-helloworld:0.0.1: dial tcp 52.219.199.138:443: i/o timeout",
    expect: {
      scope: "pull",
      stage: "layer",
      kind: "timeout",
      service: "s3",
      ip: "52.219.199.138",
      port: 443,
      imageRef: "626394096352.dkr.ecr.ap-northeast-1.amazonaws.com/ma-kuramochiku-ecs-helloworld:0.0.1",
    },
    source: "Cloud9/ECS study notes (github, Japanese)",
  },
  {
    name: "EC2: image configuration from the starport bucket, URL cut by ECS",
    message:
      "CannotPullContainerError: error pulling image configuration: Get https://prod-us-east-1-starport-layer-bucket.s3.amazonaws.com/61d6a6b7-a74d-4472-96e4-710ec9a7a96b/d834cc02-771d-4c2b-b7bb-7da5334eea15?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-A",
    expect: {
      scope: "pull",
      stage: "layer",
      kind: "unknown",
      service: "s3",
      host: "prod-us-east-1-starport-layer-bucket.s3.amazonaws.com",
    },
    source: "7thzero.com/blog/limiting-outbound-egress-traffic-while-using-aws-fargate-and-ecr",
  },
  {
    name: "AWS docs: httpReaderSeeker unexpected status code (no URL)",
    message: "ref pull has been retried 1 time(s): failed to copy: httpReaderSeeker: failed open: unexpected status code",
    expect: { scope: "pull", stage: "layer", kind: "unknown" },
    source: "AWS docs, 'CannotPullContainer task errors in Amazon ECS'",
  },
  {
    name: "Fargate: manifest by digest, unexpected status code, cut by ECS",
    message:
      "CannotPullContainerError: inspect image has been retried 5 time(s): httpReaderSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/amazon/aws-for-fluent-bit/manifests/sha256:330a24bcd4e0058d70e70a0bb1ff805065161ffe3aa96296f09b555...",
    expect: { scope: "pull", stage: "manifest", kind: "unknown", service: "docker-hub", host: "registry-1.docker.io", truncated: true },
    source: "github.com/aws/aws-for-fluent-bit/issues/234",
  },

  // --- Canceled ----------------------------------------------------------------------------
  {
    name: "Fargate: context canceled",
    message: "CannotPullContainerError: context canceled",
    expect: { scope: "pull", kind: "canceled" },
    source: "7thzero.com/blog/limiting-outbound-egress-traffic-while-using-aws-fargate-and-ecr",
  },
  {
    name: "containerd pull command failed, cut mid-word at 'context ca'",
    message:
      'CannotPullContainerError: containerd: pull command failed: time="2020-11-05T17:42:10Z" level=info msg="apply failure, attempting cleanup" error="failed to extract layer sha256:e246d4b4c5f108af0f72da900f45ae9a37e1d184d8d605ab4117293b6990b7b8: context ca...',
    expect: { scope: "pull", stage: "layer", kind: "canceled", truncated: true },
    source: "github.com/aws/amazon-ecs-agent/issues/3217 and aws/containers-roadmap#1133, timestamp and digest filled in",
  },

  // --- CloudWatch Logs during initialisation ----------------------------------------------
  {
    name: "Fargate: log group does not exist",
    message:
      "ResourceInitializationError: failed to validate logger args: failed to create CloudWatch log stream: ResourceNotFoundException: The specified log group does not exist.",
    expect: { scope: "init", stage: "logs", kind: "not-found", service: "logs" },
    source: "deployment challenge notes of a todo app (github)",
  },
  {
    name: "Fargate: awslogs-region missing",
    message:
      "ResourceInitializationError: failed to validate logger args: unable to get awslogs driver arguments: awslogs-region is required",
    expect: { scope: "init", stage: "logs", kind: "invalid-parameter", service: "logs" },
    source: "setup troubleshooting notes (github), Windows/Git Bash deploy script",
  },
  {
    name: "Fargate: newer logging 'connection issue' wording",
    message:
      "ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. Check your network configuration. signal: killed",
    expect: { scope: "init", stage: "logs", service: "logs" },
    source: "WordPress on Fargate troubleshooting write-up (github)",
  },

  // --- ECS cannot assume the role ----------------------------------------------------------
  {
    name: "Service event: ECS was unable to assume the role",
    message:
      "service backend-flask failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::444282218245:role/CruddurTaskRole' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.)",
    expect: {
      scope: "assume-role",
      stage: "execution-role",
      kind: "assume-role",
      roleArn: "arn:aws:iam::444282218245:role/CruddurTaskRole",
    },
    source: "bootcamp journal (github, Cruddur)",
  },
  {
    name: "assume-role message cut before the closing quote",
    message: "ECS was unable to assume the role 'arn:aws:iam::042692045049:role/ecsTaskRole",
    expect: {
      scope: "assume-role",
      stage: "execution-role",
      kind: "assume-role",
      roleArn: "arn:aws:iam::042692045049:role/ecsTaskRole",
    },
    source: "IAM trust policy fix notes (github), cut where ECS truncates",
  },

  // --- Newer ECS wording from the AWS docs -------------------------------------------------
  {
    name: "AWS docs: connection issue between the task and Amazon ECR",
    message:
      "The task cannot pull 'nginx:1.27' from the Amazon ECR repository '123456789012.dkr.ecr.us-east-1.amazonaws.com/nginx'. There is a connection issue between the task and Amazon ECR. Check your task network configuration.",
    expect: { scope: "pull", service: "ecr-dkr", host: "123456789012.dkr.ecr.us-east-1.amazonaws.com", imageRef: "nginx:1.27" },
    source: "AWS docs, 'CannotPullContainer task errors in Amazon ECS' (placeholders filled in)",
  },
  {
    name: "AWS docs: pull image manifest retried, failed to resolve ref (cut)",
    message: "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref",
    expect: { scope: "pull", stage: "manifest", kind: "unknown" },
    source: "AWS docs, 'CannotPullContainer task errors in Amazon ECS'",
  },

  // --- Not an image pull at all ------------------------------------------------------------
  {
    name: "Essential container in task exited",
    message: "Essential container in task exited",
    expect: { scope: "none", stage: "unknown" },
    source: "aws/copilot-cli ecs task status tests; ECS console",
  },
  {
    name: "Task stopped by user",
    message: "Task stopped by user",
    expect: { scope: "none", stage: "unknown" },
    source: "aws/copilot-cli IsFailingStopReason tests",
  },
  {
    name: "Scaling activity initiated by a deployment",
    message: "Scaling activity initiated by (deployment ecs-svc/8709920613704280865)",
    expect: { scope: "none", stage: "unknown" },
    source: "ecs-tracer tool README (github), StoppedCode ServiceSchedulerInitiated",
  },
  {
    name: "OutOfMemoryError",
    message: "OutOfMemoryError: Container killed due to memory usage",
    expect: { scope: "none", stage: "unknown" },
    source: "ECS troubleshooting notes (github, Korean)",
  },
  {
    name: "Task failed ELB health checks",
    message:
      "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/PLM-EC-PLM6F-A8OKA66DVRBX/4fe72fe75cdf9149)",
    expect: { scope: "none", stage: "unknown" },
    source: "ECS troubleshooting lab notes (github, PLM-ECS lab 6)",
  },
  {
    name: "Task failed container health checks",
    message: "Task failed container health checks",
    expect: { scope: "none", stage: "unknown" },
    source: "ECS troubleshooting lab notes (github, PLM-ECS lab 6)",
  },
  {
    name: "EC2: CannotStartContainerError for a missing log group is a start failure of the log driver",
    message:
      "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.",
    expect: { scope: "start", stage: "logs", kind: "not-found", service: "logs" },
    source: "ECS troubleshooting lab notes (github, PLM-ECS lab 5); also github.com/prakhar1989/docker-curriculum/issues/253",
  },

  // --- Start-up steps other than the pull (issue 9) -------------------------------------------
  {
    name: "EC2: log driver may not create the log group (awslogs-create-group, instance role)",
    message:
      "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log group: AccessDeniedException: User: arn:aws:sts::765486523053:assumed-role/amazon-ecs-cli-setup-foodtrucks-EcsInstanceRole-1II7J9P4",
    expect: { scope: "start", stage: "logs", kind: "access-denied", service: "logs" },
    source: "https://github.com/prakhar1989/docker-curriculum/issues/260 (cut where the issue quotes it)",
  },
  {
    name: "EC2 agent log: API error (500) failed to initialize logging driver",
    message:
      "API error (500): failed to initialize logging driver: ResourceNotFoundException: The specified log group does not exist. status code: 400, request id: 2831992f-899d-11e8-8425-99d434b6599a",
    expect: { scope: "start", stage: "logs", kind: "not-found", service: "logs" },
    source: "https://github.com/muccg/rdrf/issues/617 (ECS agent log)",
  },
  {
    name: "Fargate: log group does not exist, named in the log stream ARN",
    message:
      "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. (arn:aws:logs:us-east-1:123456789012:log-group:/ecs/orders-api:log-stream:)",
    expect: { scope: "init", stage: "logs", kind: "not-found", service: "logs", logGroup: "/ecs/orders-api" },
    source: "Fargate wording of github.com/convox/rack/issues/655 and the awslogs driver's ResourceNotFoundException; ARN filled in",
  },
  {
    name: "Fargate: log group name from the access-denied log stream ARN",
    message:
      "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log group: AccessDeniedException: User: arn:aws:sts::997763366404:assumed-role/ecsTaskExecutionRole/d7795e52a4434edf80f4923f3b836d9f is not authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:us-east-2:997763366404:log-group:/ecs/kh-td-poc-ccure-alert-notifier:log-stream: because no identity-based policy allows the logs:CreateLogGroup action",
    expect: { scope: "init", stage: "logs", kind: "access-denied", deniedAction: "logs:CreateLogGroup", logGroup: "/ecs/kh-td-poc-ccure-alert-notifier" },
    source: "the CloudWatch Logs entry above, cut before the status code",
  },
  {
    name: "Fargate: 'cannot find the log group ... connection issue' is a network cause",
    message:
      "ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. Check your network configuration. : signal: killed",
    expect: { scope: "init", stage: "logs", kind: "timeout", service: "logs" },
    source: "AWS docs, 'Troubleshoot Amazon ECS ResourceInitializationError errors' (the Fargate wording since 2023)",
  },
  {
    name: "Fargate EFS: Failed to resolve the file system's DNS name",
    message:
      'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "fs-00000000.efs.us-east-1.amazonaws.com" - check that your file system ID is correct.',
    expect: {
      scope: "init",
      stage: "efs",
      kind: "dns",
      service: "efs",
      host: "fs-00000000.efs.us-east-1.amazonaws.com",
      fileSystemId: "fs-00000000",
    },
    source: "https://github.com/aws/amazon-ecs-cli/issues/1083",
  },
  {
    name: "Fargate EFS: Failed to resolve, newer efs-utils wording with botocore",
    message:
      'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "fs-06642d00e4ec7261.efs.ap-northeast-1.amazonaws.com" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID. See https://docs.aws.amazon.com/console/efs/mount-dns-name for more detail. Attempting to lookup mount target ip address using botocore. Failed to import necessary dependency botocore, please install botocore first. : unsuccessful EFS utils command execution; code: 1',
    expect: { scope: "init", stage: "efs", kind: "dns", service: "efs", fileSystemId: "fs-06642d00e4ec7261" },
    source: "https://github.com/aws/copilot-cli/issues/5419 (file system id padded to a valid length)",
  },
  {
    name: "Fargate EFS: Failed to resolve, cut inside the DNS name",
    message:
      'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "fs-0867a83d8ed398433.efs.',
    expect: { scope: "init", stage: "efs", kind: "dns", service: "efs", fileSystemId: "fs-0867a83d8ed398433" },
    source: "https://github.com/cn-terraform/terraform-aws-jenkins/issues/23",
  },
  {
    name: "Fargate EFS: mount.nfs4 Connection reset by peer",
    message:
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: mount.nfs4: Connection reset by peer : unsuccessful EFS utils command execution; code: 32",
    expect: { scope: "init", stage: "efs", kind: "reset", service: "efs" },
    source: "https://github.com/docker-archive/compose-cli/issues/1490",
  },
  {
    name: "Fargate EFS: access denied by server while mounting",
    message:
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: access denied by server while mounting fs-065b374f6a1a6b4c8.efs.us-east-1.amazonaws.com:/' : unsuccessful EFS utils command execution; code: 32",
    expect: { scope: "init", stage: "efs", kind: "access-denied", service: "efs", fileSystemId: "fs-065b374f6a1a6b4c8" },
    source: "https://github.com/aws-samples/aws-cdk-examples/issues/920",
  },
  {
    name: "EC2 EFS: the volume plugin's mount reset by peer",
    message:
      "Error response from daemon: create xxxxxxxxxxx: VolumeDriver.Create: mounting volume failed: Mount attempt 1/3 failed due to b'mount.nfs4: Connection reset by peer\\n', wait 1 sec before next attempt. Mount attempt 2/3 failed due to b'mount.nfs4: Connection reset by peer\\n', wait 1 sec before next attempt. b'mount.nfs4: Connection reset by peer'",
    expect: { scope: "start", stage: "efs", kind: "reset", service: "efs" },
    source: "https://github.com/aws/efs-utils/issues/32 (ECS task on EC2, from CloudTrail)",
  },
  {
    name: "EFS utils: mount attempt failed due to timeout",
    message: "Mount attempt 1/3 failed due to timeout after 15 sec, wait 0 sec before next attempt.",
    expect: { scope: "start", stage: "efs", kind: "timeout", service: "efs" },
    source: "https://github.com/acantril/learn-cantrill-io-labs/issues/178",
  },
  {
    name: "Fargate EFS: access point root directory missing on the server",
    message:
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: mounting fs-0123456789abcdef0.efs.eu-west-1.amazonaws.com:/grafana failed, reason given by server: No such file or directory' : unsuccessful EFS utils command execution; code: 32",
    expect: { scope: "init", stage: "efs", service: "efs", fileSystemId: "fs-0123456789abcdef0" },
    source: "https://github.com/acp-io/terraform-grafana/issues/4 (file system id and region filled in)",
  },
  {
    name: "Fargate: no free address for the network interface (AWS docs heading)",
    message:
      "Unexpected EC2 error while attempting to Create Network Interface with public IP assignment enabled in subnet 'subnet-0a1b2c3d4e5f60718'",
    expect: { scope: "start", stage: "network-interface", kind: "insufficient-addresses", service: "ec2", subnetId: "subnet-0a1b2c3d4e5f60718" },
    source: "AWS docs, 'Amazon ECS TaskFailedToStart errors' (awsdocs/amazon-ecs-developer-guide), subnet id filled in",
  },
  {
    name: "Fargate: InsufficientFreeAddressesInSubnet creating the network interface",
    message:
      "Unexpected EC2 error while attempting to Create Network Interface in subnet 'subnet-05d93362e947058bc': InsufficientFreeAddressesInSubnet",
    expect: { scope: "start", stage: "network-interface", kind: "insufficient-addresses", service: "ec2", subnetId: "subnet-05d93362e947058bc" },
    source: "test fixture of an ECS task error handler (github, find_string 'attempting to Create Network Interface'), subnet from github.com/paradisec-archive/nabu/pull/1259",
  },
  {
    name: "EC2: CannotCreateContainerError, devicemapper thin pool out of space",
    message:
      "CannotCreateContainerError: API error (500): devmapper: Thin Pool has 0 free data blocks which is less than minimum required 20253 free data blocks. Create more free space in thin pool or use dm.min_free_space option to change behavior",
    expect: { scope: "start", stage: "container-create", kind: "disk" },
    source: "https://github.com/nasa/cumulus-api/issues/209",
  },
  {
    name: "EC2: CannotCreateContainerError, no space left on device",
    message:
      "CannotCreateContainerError: Error response from daemon: mkdir /var/lib/docker/overlay2/8d3c9e5a1b2f/merged: no space left on device",
    expect: { scope: "start", stage: "container-create", kind: "disk" },
    source: "AWS docs, 'CannotCreateContainerError: API error (500): devmapper' (Amazon ECS troubleshooting), overlay2 wording",
  },
  {
    name: "Container log: exec format error from an amd64 image on arm64",
    message: "exec /usr/local/bin/docker-entrypoint.sh: exec format error",
    expect: { scope: "start", stage: "container-start", kind: "platform" },
    source: "https://github.com/docker/compose/issues/10185 and github.com/langfuse/langfuse/issues/2556",
  },
  {
    name: "Container log: standard_init_linux exec user process caused exec format error",
    message: "standard_init_linux.go:228: exec user process caused: exec format error",
    expect: { scope: "start", stage: "container-start", kind: "platform" },
    source: "https://github.com/runatlantis/atlantis/issues/2001 (ECS Fargate on Graviton)",
  },
];
