export {
  startLlamaLikeServer,
  type LlamaLikeServer,
  type LlamaLikeServerOptions,
} from "./start-llama-like-server.js";
