// Worlds built on moto through the AWS SDK, as an operator would build them:
// a healthy one in one call, then the test breaks one thing with the SDK and
// fails a task. Only test code writes; the product under test only reads.
//
// The healthy world: VPC 10.0.0.0/16 with a public subnet (route table
// 0.0.0.0/0 -> internet gateway) and a private one (0.0.0.0/0 -> NAT gateway
// in the public subnet); cluster "prod", Fargate service "web" in the private
// subnet without a public IP; task definition "web" pulling
// 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2, which exists, with
// execution role ecsTaskExecutionRole (trusts ecs-tasks.amazonaws.com, has
// AmazonECSTaskExecutionRolePolicy).
import { KMSClient } from "@aws-sdk/client-kms";
import { EC2Client, AllocateAddressCommand, AssociateRouteTableCommand, AttachInternetGatewayCommand, CreateInternetGatewayCommand, CreateNatGatewayCommand, CreateRouteCommand, CreateRouteTableCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, ModifyVpcAttributeCommand, DeleteRouteCommand, AuthorizeSecurityGroupIngressCommand, CreateVpcEndpointCommand, DeleteNetworkInterfaceCommand, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EFSClient } from "@aws-sdk/client-efs";
import { ECRClient, CreateRepositoryCommand, PutImageCommand } from "@aws-sdk/client-ecr";
import { ECSClient, CreateClusterCommand, CreateServiceCommand, type ContainerDefinition, RegisterContainerInstanceCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import { IAMClient, AttachRolePolicyCommand, CreateRoleCommand } from "@aws-sdk/client-iam";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";

export const ACCOUNT = "123456789012"; // moto's default account
export const REGION = "us-east-1";
export const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
export const IMAGE = `${REGISTRY}/web:1.4.2`;
export const EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
export const ECS_TASKS_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

// The messages ECS gives, as the offline tests use them (same account, region, image and role names).
export { MESSAGES } from "../fixtures/world.js";
export { MSG } from "../fixtures/registry-messages.js";
export { DNS_MESSAGE } from "../fixtures/network.js";

export interface Clients {
  ec2: EC2Client;
  ecs: ECSClient;
  ecr: ECRClient;
  iam: IAMClient;
  sts: STSClient;
  secretsManager: SecretsManagerClient;
  ssm: SSMClient;
}

/** SDK clients on moto, with the test's own (admin) keys. */
export function clients(credentials = { accessKeyId: "AKIAWIRETEST", secretAccessKey: "wire-test-secret" }): Clients {
  const config = { region: REGION, endpoint: motoUrl(), credentials };
  return {
    ec2: new EC2Client(config), ecs: new ECSClient(config), ecr: new ECRClient(config), iam: new IAMClient(config),
    sts: new STSClient(config), secretsManager: new SecretsManagerClient(config), ssm: new SSMClient(config),
  };
}

const testConfig = () => ({ region: REGION, endpoint: motoUrl(), credentials: { accessKeyId: "AKIAWIRETEST", secretAccessKey: "wire-test-secret" } });

/** moto's EFS and CloudWatch Logs, with the test's keys (apart from `clients()`: only some worlds need them). */
export const efs = () => new EFSClient(testConfig());
export const logs = () => new CloudWatchLogsClient(testConfig());
export const kms = () => new KMSClient(testConfig());

export function motoUrl(): string {
  const url = process.env.AWS_ENDPOINT_URL;
  if (!url) throw new Error("AWS_ENDPOINT_URL is not set: run the wire suite with `npm run test:wire`");
  return url;
}

/** Forgets every resource moto holds (and any IAM enforcement). */
export async function resetMoto(): Promise<void> {
  await enforceIam(false);
  const res = await fetch(`${motoUrl()}/moto-api/reset`, { method: "POST" });
  if (!res.ok) throw new Error(`moto reset answered ${res.status}`);
}

/**
 * moto checks IAM policies on every request once the number of requests it has
 * served reaches INITIAL_NO_AUTH_ACTION_COUNT; /moto-api/reset-auth sets that
 * number at run time (0: from now on; inf: never).
 */
export async function enforceIam(on: boolean): Promise<void> {
  const res = await fetch(`${motoUrl()}/moto-api/reset-auth`, { method: "POST", body: on ? "0" : "inf" });
  if (!res.ok) throw new Error(`moto reset-auth answered ${res.status}`);
}

/** A single-platform image manifest (Docker schema 2); its config blob is not in moto, only the manifest. */
export function manifest(seed = "web"): string {
  const digest = (n: number) => `sha256:${(seed + n).padEnd(64, "0").replace(/[^0-9a-f]/g, "a").slice(0, 64)}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: { mediaType: "application/vnd.docker.container.image.v1+json", size: 1470, digest: digest(1) },
    layers: [{ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", size: 3370628, digest: digest(2) }],
  });
}

/** A multi-platform image index naming these platforms. */
export function imageIndex(platforms: { os: string; architecture: string }[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
    manifests: platforms.map((platform, i) => ({
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      size: 528,
      digest: `sha256:${String(i + 1).repeat(64)}`,
      platform,
    })),
  });
}

export interface TaskOptions {
  /** The message ECS would give (moto keeps it as the task's stoppedReason; see failTask). */
  reason: string;
  subnet?: string;
  securityGroups?: string[];
  /** Keep the task's network interface (AWS deletes it once the task stops; a diagnosis soon after may still see it). */
  keepEni?: boolean;
  /** Started by service "web" (its networkConfiguration says assignPublicIp), else a standalone run-task. */
  service?: string | null;
  taskDefinition?: string;
  cluster?: string;
}

export class World {
  readonly c = clients();
  vpcId = "";
  publicSubnet = "";
  privateSubnet = "";
  igw = "";
  nat = "";
  publicRouteTable = "";
  privateRouteTable = "";
  securityGroup = "";
  roleArn = "";
  taskDefinitionArn = "";
  readonly cluster = "prod";

  /** Resets moto and builds the healthy world. */
  static async healthy(): Promise<World> {
    await resetMoto();
    const w = new World();
    await w.build();
    return w;
  }

  private async build(): Promise<void> {
    const { ec2, ecr, ecs, iam } = this.c;
    this.vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
    // DNS hostnames on, as the console's VPC wizard sets them. moto gap: RunTask
    // of an awsvpc task fails (500, no private DNS name for the ENI) in a VPC
    // without them, so a world that turns them off does it after failTask.
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: this.vpcId, EnableDnsHostnames: { Value: true } }));
    const subnet = async (cidr: string) =>
      (await ec2.send(new CreateSubnetCommand({ VpcId: this.vpcId, CidrBlock: cidr, AvailabilityZone: `${REGION}a` }))).Subnet!.SubnetId!;
    [this.publicSubnet, this.privateSubnet] = await Promise.all([subnet("10.0.0.0/24"), subnet("10.0.1.0/24")]);
    this.igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: this.igw, VpcId: this.vpcId }));
    this.publicRouteTable = await this.routeTable(this.publicSubnet, { GatewayId: this.igw });
    const eip = (await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }))).AllocationId!;
    this.nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: this.publicSubnet, AllocationId: eip }))).NatGateway!.NatGatewayId!;
    this.privateRouteTable = await this.routeTable(this.privateSubnet, { NatGatewayId: this.nat });
    // A new security group allows all egress by default, as in AWS.
    this.securityGroup = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "web", Description: "web tasks", VpcId: this.vpcId }))).GroupId!;

    await ecr.send(new CreateRepositoryCommand({ repositoryName: "web" }));
    await ecr.send(new PutImageCommand({ repositoryName: "web", imageTag: "1.4.2", imageManifest: manifest() }));

    this.roleArn = (await iam.send(new CreateRoleCommand({ RoleName: "ecsTaskExecutionRole", AssumeRolePolicyDocument: ECS_TASKS_TRUST }))).Role!.Arn!;
    await iam.send(new AttachRolePolicyCommand({ RoleName: "ecsTaskExecutionRole", PolicyArn: EXECUTION_POLICY }));

    await ecs.send(new CreateClusterCommand({ clusterName: this.cluster }));
    this.taskDefinitionArn = await this.taskDefinition();
    await ecs.send(new CreateServiceCommand({
      cluster: this.cluster, serviceName: "web", taskDefinition: this.taskDefinitionArn, desiredCount: 0, launchType: "FARGATE",
      networkConfiguration: { awsvpcConfiguration: { subnets: [this.privateSubnet], securityGroups: [this.securityGroup], assignPublicIp: "DISABLED" } },
    }));
  }

  /** A route table with one default route, associated with the subnet. */
  async routeTable(subnet: string, target: { GatewayId?: string; NatGatewayId?: string }): Promise<string> {
    const { ec2 } = this.c;
    const id = (await ec2.send(new CreateRouteTableCommand({ VpcId: this.vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: id, DestinationCidrBlock: "0.0.0.0/0", ...target }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: subnet }));
    return id;
  }

  /**
   * The private subnet without NAT, reaching the registry through endpoints:
   * interface endpoints (private DNS on, a security group admitting the VPC on
   * 443) for `services`, and the S3 gateway endpoint on its route table unless `s3` is false.
   */
  async endpointsOnly(services = ["ecr.api", "ecr.dkr"], opts: { s3?: boolean; privateDns?: boolean; ingressCidr?: string; policy?: (service: string) => string | undefined } = {}): Promise<{ endpoints: Record<string, string>; securityGroup: string }> {
    const { ec2 } = this.c;
    await ec2.send(new DeleteRouteCommand({ RouteTableId: this.privateRouteTable, DestinationCidrBlock: "0.0.0.0/0" }));
    const securityGroup = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "endpoints", Description: "interface endpoints", VpcId: this.vpcId }))).GroupId!;
    // The tasks' group as the source, not the VPC's CIDR. moto gap: RunTask gives the
    // task's ENI a random 10.x address, outside its subnet (AWS takes it from the
    // subnet: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html),
    // so a rule for the VPC's CIDR would not admit it (network.test.ts asserts what the tool says then).
    const source = opts.ingressCidr ? { IpRanges: [{ CidrIp: opts.ingressCidr }] } : { UserIdGroupPairs: [{ GroupId: this.securityGroup }] };
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: securityGroup, IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, ...source }],
    }));
    const endpoints: Record<string, string> = {};
    for (const service of services) {
      endpoints[service] = (await ec2.send(new CreateVpcEndpointCommand({
        VpcId: this.vpcId, VpcEndpointType: "Interface", ServiceName: `com.amazonaws.${REGION}.${service}`, SubnetIds: [this.privateSubnet],
        SecurityGroupIds: [securityGroup], PrivateDnsEnabled: opts.privateDns ?? true, PolicyDocument: opts.policy?.(service),
      }))).VpcEndpoint!.VpcEndpointId!;
    }
    if (opts.s3 !== false) {
      endpoints.s3 = (await ec2.send(new CreateVpcEndpointCommand({
        VpcId: this.vpcId, VpcEndpointType: "Gateway", ServiceName: `com.amazonaws.${REGION}.s3`, RouteTableIds: [this.privateRouteTable], PolicyDocument: opts.policy?.("s3"),
      }))).VpcEndpoint!.VpcEndpointId!;
    }
    return { endpoints, securityGroup };
  }

  /**
   * An EC2 container instance of the cluster: an instance (any AMI id: moto does not
   * check it) in `subnet` with `instanceProfile`, registered with ECS.
   * moto gap: its container instance carries no ecs.subnet-id, ecs.vpc-id or
   * ecs.cpu-architecture attribute (AWS sets them:
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-placement-constraints.html),
   * so the tool finds the subnet through ec2:DescribeInstances.
   */
  async containerInstance(subnet: string, instanceProfile?: string): Promise<{ instanceId: string; containerInstanceArn: string }> {
    const instance = (await this.c.ec2.send(new RunInstancesCommand({
      ImageId: "ami-0123456789abcdef0", InstanceType: "t3.medium", MinCount: 1, MaxCount: 1, SubnetId: subnet, SecurityGroupIds: [this.securityGroup],
      ...(instanceProfile ? { IamInstanceProfile: { Name: instanceProfile } } : {}),
    }))).Instances![0];
    const registered = await this.c.ecs.send(new RegisterContainerInstanceCommand({
      cluster: this.cluster, instanceIdentityDocument: JSON.stringify({ instanceId: instance.InstanceId, region: REGION, accountId: ACCOUNT }),
    }));
    return { instanceId: instance.InstanceId!, containerInstanceArn: registered.containerInstance!.containerInstanceArn! };
  }

  /** Runs a task of `taskDefinition` on the cluster's container instances (EC2 launch type) and stops it with `reason`. */
  async failEc2Task(taskDefinition: string, reason: string): Promise<string> {
    const task = (await this.c.ecs.send(new RunTaskCommand({ cluster: this.cluster, taskDefinition, launchType: "EC2", count: 1 }))).tasks![0];
    await this.c.ecs.send(new StopTaskCommand({ cluster: this.cluster, task: task.taskArn, reason }));
    return task.taskArn!;
  }

  /** Registers a revision of "web" (or another family); `change` edits the healthy definition. */
  async taskDefinition(change: (d: RegisterTaskDefinitionCommandInput & { containerDefinitions: ContainerDefinition[] }) => void = () => {}): Promise<string> {
    const input = {
      family: "web", networkMode: "awsvpc" as const, requiresCompatibilities: ["FARGATE" as const], cpu: "256", memory: "512",
      executionRoleArn: this.roleArn,
      // moto's RunTask needs a container-level memory to place the task.
      containerDefinitions: [{ name: "web", image: IMAGE, memory: 512, essential: true } as ContainerDefinition],
    };
    change(input);
    return (await this.c.ecs.send(new RegisterTaskDefinitionCommand(input))).taskDefinition!.taskDefinitionArn!;
  }

  /**
   * Runs a Fargate task and stops it with `reason`, as ECS stops a task whose pull failed.
   * moto gap: a task stopped through moto carries no container `reason`, no
   * `stopCode` and no `stoppedAt` (AWS sets all three: DescribeTasks,
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html).
   * StopTask's `reason` becomes the task's `stoppedReason`, which is where
   * Fargate puts a pull failure's message too; the tool reads it from there.
   */
  async failTask(opts: TaskOptions): Promise<string> {
    const { ecs } = this.c;
    const service = opts.service === undefined ? "web" : opts.service;
    const task = (await ecs.send(new RunTaskCommand({
      cluster: opts.cluster ?? this.cluster, taskDefinition: opts.taskDefinition ?? this.taskDefinitionArn, launchType: "FARGATE", count: 1,
      ...(service ? { group: `service:${service}`, startedBy: "ecs-svc/0123456789012345678" } : {}),
      networkConfiguration: { awsvpcConfiguration: { subnets: [opts.subnet ?? this.privateSubnet], securityGroups: opts.securityGroups ?? [this.securityGroup] } },
    }))).tasks![0];
    await ecs.send(new StopTaskCommand({ cluster: opts.cluster ?? this.cluster, task: task.taskArn, reason: opts.reason }));
    // AWS deletes a stopped task's network interface (its attachment turns DELETED:
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html);
    // moto keeps both, the interface in-use and the attachment ATTACHED. Deleting the
    // interface gives the tool what AWS gives it: an attachment naming an interface that is gone.
    const eni = task.attachments?.[0]?.details?.find((d) => d.name === "networkInterfaceId")?.value;
    if (eni && !opts.keepEni) await this.c.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni }));
    return task.taskArn!;
  }
}
