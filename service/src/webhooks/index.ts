export { verifySignature, signPayload } from "./verify-signature.js";
export { HANDLED_EVENTS, isHandled } from "./handled-events.js";
export type { HandledEvent } from "./handled-events.js";
export { claimDelivery, completeDelivery, deliveryKey, releaseDelivery } from "./claim-delivery.js";
export type { ClaimResult } from "./claim-delivery.js";
