export { runCommunication } from "./run-communication.js";
export type { CommunicationOptions } from "./communication-options.js";
