export { Config, loadConfig } from "./load-config.js";
