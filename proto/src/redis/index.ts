export { parseRedisUrl, type RedisUrlOptions } from "./parse-redis-url.js";
