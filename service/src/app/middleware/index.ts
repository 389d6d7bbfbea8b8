export { verifyWebhookSignature } from "./verify-webhook-signature.js";
export type { VerifyWebhookSignatureOptions } from "./verify-webhook-signature.js";
export { readWebhookEvent } from "./read-webhook-event.js";
export type { ReadWebhookEventOptions } from "./read-webhook-event.js";
export { claimWebhookDelivery } from "./claim-webhook-delivery.js";
export type { ClaimWebhookDeliveryOptions } from "./claim-webhook-delivery.js";
