/** A Lua script run through ioredis's defineCommand (EVAL once per socket, then EVALSHA). */
export interface LuaScript {
  name: string;
  lua: string;
}

interface ScriptHost {
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/** Defines `script` on an ioredis client (ours or BullMQ's) unless it is there already. */
export function defineScript(client: unknown, script: LuaScript): void {
  const host = client as ScriptHost & Record<string, unknown>;
  if (typeof host[script.name] !== "function") host.defineCommand(script.name, { lua: script.lua });
}

/** Runs a defined script on a client or queues it on a MULTI: `numKeys`, keys, then args. */
export function callScript(
  target: unknown,
  script: LuaScript,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  const fn = (target as Record<string, (...a: Array<string | number>) => Promise<unknown>>)[
    script.name
  ];
  if (typeof fn !== "function") throw new Error(`redis script ${script.name} is not defined`);
  return fn.call(target, keys.length, ...keys, ...args);
}
