// Every piece of evidence carries its state: known (possibly known absent:
// null or an empty list), or unknown with the call that could not be made
// and the permission that would allow it.

/**
 * `not-captured`: a snapshot does not hold the collection. `not-recorded`: AWS
 * keeps no such record (a task no service started has no assignPublicIp), or it
 * was not asked for; the message says which.
 */
export type UnknownWhy = "denied" | "throttled" | "timeout" | "failed" | "not-captured" | "not-recorded";

export interface Unknown {
  state: "unknown";
  why: UnknownWhy;
  /** The call as IAM names it, e.g. `ec2:DescribeVpcEndpoints`. */
  call: string;
  /** The IAM permission that the call needs (usually the same name). */
  permission: string;
  message: string;
}

export interface Known<T> {
  state: "known";
  value: T;
}

export type Fact<T> = Known<T> | Unknown;

export function known<T>(value: T): Known<T> {
  return { state: "known", value };
}

export function unknown(why: UnknownWhy, call: string, message: string, permission = call): Unknown {
  return { state: "unknown", why, call, permission, message };
}

export function isKnown<T>(fact: Fact<T>): fact is Known<T> {
  return fact.state === "known";
}

/** The value, or undefined where the fact is unknown. */
export function factValue<T>(fact: Fact<T>): T | undefined {
  return fact.state === "known" ? fact.value : undefined;
}

/** Applies `fn` to a known value; an unknown fact passes through unchanged. */
export function mapFact<T, U>(fact: Fact<T>, fn: (value: T) => U): Fact<U> {
  return fact.state === "known" ? known(fn(fact.value)) : fact;
}

/** A human phrase for why a fact is unknown: "ec2:DescribeVpcEndpoints was denied". */
export function unknownReason(u: Unknown): string {
  switch (u.why) {
    case "denied":
      return `${u.call} was denied (grant ${u.permission})`;
    case "throttled":
      return `${u.call} was throttled after retries`;
    case "timeout":
      return `${u.call} did not answer in time`;
    case "not-captured":
      // Says what is missing in the source's own words ("the snapshot holds no ec2.RouteTables"): not a permission to grant.
      if (!u.message) return `${u.call} was not captured`;
      return u.message.includes(u.call) || u.message.startsWith("the snapshot holds no") ? u.message : `${u.message} (${u.call})`;
    case "not-recorded":
      return u.message;
    default:
      return `${u.call} failed: ${u.message}`;
  }
}
