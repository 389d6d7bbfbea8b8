export { parseRedisUrl, type RedisUrlOptions } from "./parse-redis-url.js";
export { QueueEnv } from "./queue-env.js";
