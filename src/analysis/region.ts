// AWS region names, as users type them and ARNs carry them.

/** `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The region an ARN names (`arn:aws:ecs:us-east-1:...`), when it names one. */
export function regionOfArn(arn: string | undefined): string | undefined {
  const region = arn?.startsWith("arn:") ? arn.split(":")[3] : undefined;
  return region || undefined;
}
