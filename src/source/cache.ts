// A source that asks each question once: tasks of a scan that share subnets,
// route tables, roles and repositories share the calls that read them, and a
// call already in flight is joined rather than repeated.

import type { Source } from "./source.js";

export function cachedSource(source: Source): Source {
  const memo = new Map<string, Promise<unknown>>();
  return new Proxy(source, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      return (...args: unknown[]) => {
        const key = `${prop}\u0000${JSON.stringify(args)}`;
        let p = memo.get(key);
        if (!p) {
          p = value.apply(target, args) as Promise<unknown>;
          memo.set(key, p);
        }
        return p;
      };
    },
  });
}
